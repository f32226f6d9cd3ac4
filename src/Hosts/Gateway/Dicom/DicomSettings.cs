using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The SCP's negotiation policy and association limits, built once from <see cref="GatewayOptions"/>. The Storage
/// Commitment Push Model is accepted only where it is offered (<see cref="StorageCommitmentSettings.IsOffered"/>); its
/// requestor gets the SCU role only, since the Gateway performs the commitment.
/// </summary>
public sealed class DicomSettings(IOptions<GatewayOptions> options)
{
    public AssociationPolicy Policy { get; } = new()
    {
        AeTitle = options.Value.AeTitle.Trim(' '),
        CheckCalledAeTitle = options.Value.CheckCalledAeTitle,
        AllowedCallingAeTitles = options.Value.AllowedCallingAeTitles.Select(t => t.Trim(' ')).ToHashSet(StringComparer.Ordinal),
        IsAbstractSyntaxAccepted = uid => uid == NetworkUids.StorageCommitmentPushModel
            ? options.Value.StorageCommitment.IsOffered(options.Value.Adapters, options.Value.Aws)
            : options.Value.AcceptAnySopClass ? DicomUidRules.IsValid(uid) : uid == NetworkUids.Verification || SopClasses.IsStorage(uid),
    };

    public AssociationOptions Association { get; } = new()
    {
        MaxPduLength = (uint)options.Value.MaxPduLength,
        ArtimTimeout = options.Value.AssociationRequestTimeout,
        IdleTimeout = options.Value.IdleTimeout,
        AsyncOperations = new((ushort)options.Value.MaxAsyncOperations, 1),
    };
}
