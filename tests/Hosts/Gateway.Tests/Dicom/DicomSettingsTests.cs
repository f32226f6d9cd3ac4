using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// Where storage commitment is negotiated (issue #26): with local storage, with S3 storage only beside the shared
/// commitment table, not when disabled.
/// </summary>
public sealed class DicomSettingsTests
{
    private static readonly PresentationContextRequestItem[] Proposed =
    [
        new(1, NetworkUids.StorageCommitmentPushModel, [NetworkUids.ImplicitVrLittleEndian]),
        new(3, "1.2.840.10008.5.1.4.1.1.2", [NetworkUids.ImplicitVrLittleEndian]),
    ];

    private static PresentationContextResult CommitmentContext(GatewayOptions options) =>
        new DicomSettings(Options.Create(options)).Policy.NegotiateContexts(Proposed)[0].Result;

    [Fact]
    public void GivenLocalStorage_WhenStorageCommitmentIsProposed_ThenItIsAccepted()
    {
        Assert.Equal(PresentationContextResult.Acceptance, CommitmentContext(new GatewayOptions()));
    }

    [Fact]
    public void GivenS3StorageWithoutACommitmentTable_WhenStorageCommitmentIsProposed_ThenItIsRefusedWhileStorageStaysAccepted()
    {
        var options = new GatewayOptions { Adapters = new AdapterOptions { Storage = StorageAdapter.S3 }, AcceptAnySopClass = true };

        var answers = new DicomSettings(Options.Create(options)).Policy.NegotiateContexts(Proposed);

        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, answers[0].Result);
        Assert.Equal(PresentationContextResult.Acceptance, answers[1].Result);
    }

    [Fact]
    public void GivenS3StorageWithACommitmentTable_WhenStorageCommitmentIsProposed_ThenItIsAccepted()
    {
        var options = new GatewayOptions
        {
            Adapters = new AdapterOptions { Storage = StorageAdapter.S3 },
            Aws = new GatewayAwsOptions { CommitmentTable = "commitments" },
        };

        Assert.Equal(PresentationContextResult.Acceptance, CommitmentContext(options));
    }

    [Fact]
    public void GivenStorageCommitmentDisabled_WhenProposed_ThenItIsRefused()
    {
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported,
            CommitmentContext(new GatewayOptions { StorageCommitment = new StorageCommitmentSettings { Enabled = false } }));
    }
}
