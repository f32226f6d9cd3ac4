using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Associations;

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
}
