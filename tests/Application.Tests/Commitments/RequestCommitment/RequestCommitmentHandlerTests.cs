using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests.Commitments.RequestCommitment;

/// <summary>
/// A commitment request on an association that is still open: under <c>Imported</c> it closes the batch holding its
/// instances, so their import (and so the report) does not wait for the association's release; under <c>Durable</c>
/// the batch is left to its grouping policy.
/// </summary>
public sealed class RequestCommitmentHandlerTests
{
    private static async Task<(TestHost Host, Domain.Batches.BatchId BatchId)> HostWithOpenBatchAsync(StorageCommitmentPolicy policy)
    {
        var host = new TestHost();
        host.Get<IOptions<StorageCommitmentOptions>>().Value.Policy = policy;
        Assert.Null(Seed.StoreOne(host, "assoc-open", 1));
        Assert.Null(Seed.StoreOne(host, "assoc-open", 2));
        var batchId = host.Registry.FindInstance(Domain.Dicom.DicomUid.Parse(Seed.SopUid(1)))!.BatchId;
        await host.Mediator.Send(new RequestCommitmentCommand("2.25.700", "MODALITY1", "IMAGINGGW", "assoc-open",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)), new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(2))]));
        await host.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None);
        return (host, batchId);
    }

    [Fact]
    public async Task GivenTheImportedPolicyAndABatchStillOpenOnTheSendersAssociation_WhenCommitmentIsRequested_ThenTheBatchIsClosedAndIndexed()
    {
        var (host, batchId) = await HostWithOpenBatchAsync(StorageCommitmentPolicy.Imported);
        await using var _ = host;

        Assert.False(host.Registry.Contains(batchId));
        var indexed = await host.Index.FindAsync(Seed.SopUid(2), CancellationToken.None);
        Assert.Equal(batchId.Value, indexed?.BatchId);
        Assert.Null(Seed.StoreOne(host, "assoc-open", 3));
        Assert.NotEqual(batchId, host.Registry.FindInstance(Domain.Dicom.DicomUid.Parse(Seed.SopUid(3)))!.BatchId);
    }

    [Fact]
    public async Task GivenTheDurablePolicyAndABatchStillOpen_WhenCommitmentIsRequested_ThenTheBatchStaysOpenUntilRelease()
    {
        var (host, batchId) = await HostWithOpenBatchAsync(StorageCommitmentPolicy.Durable);
        await using var _ = host;

        Assert.True(host.Registry.Contains(batchId));
        Assert.Null(await host.Index.FindAsync(Seed.SopUid(1), CancellationToken.None));
    }
}
