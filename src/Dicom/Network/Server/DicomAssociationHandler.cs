using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// Runs the SCP side of one association over any duplex pipe: a Kestrel <c>ConnectionContext.Transport</c>, or a
/// socket/TLS stream wrapped with <see cref="DuplexPipe.FromStream"/>. The caller owns and closes the transport
/// after <see cref="RunAsync"/> returns. The transport's pause threshold must allow a whole PDU
/// (<see cref="AssociationOptions.MaxPduLength"/> + 6 bytes) to be buffered.
/// </summary>
public sealed class DicomAssociationHandler(IDicomServiceProvider provider, AssociationPolicy policy, AssociationOptions options)
{
    public IDicomServiceProvider Provider { get; } = provider;

    public AssociationPolicy Policy { get; } = policy;

    public AssociationOptions Options { get; } = options;

    /// <summary>Serves the association until release, abort, transport loss, timeout or cancellation (which aborts it).</summary>
    public async Task RunAsync(IDuplexPipe transport, TransportInfo info, CancellationToken cancellationToken)
    {
        var association = new ScpAssociation(this, transport, info);
        await association.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A-ASSOCIATE-RJ for a connection the host will not serve because it is over capacity: result 2 (rejected-transient),
    /// source 3 (service-provider, presentation related), reason 2 (local limit exceeded), PS3.8 9.3.4.
    /// </summary>
    public static AssociateRejectPdu LocalLimitExceeded { get; } =
        new(AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReason.LocalLimitExceeded);

    /// <summary>
    /// Reads the A-ASSOCIATE-RQ (within <see cref="AssociationOptions.ArtimTimeout"/>) and answers <paramref name="rejection"/>
    /// (e.g. <see cref="LocalLimitExceeded"/>) without consulting the policy or the provider, then waits (ARTIM) for the
    /// peer to close. For hosts enforcing a connection limit: call it instead of <see cref="RunAsync"/> for connections
    /// over the limit. A malformed or unexpected PDU is answered with A-ABORT. The caller closes the transport afterwards.
    /// </summary>
    public async Task RejectAsync(IDuplexPipe transport, TransportInfo info, AssociateRejectPdu rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var association = new ScpAssociation(this, transport, info, rejection);
        await association.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
