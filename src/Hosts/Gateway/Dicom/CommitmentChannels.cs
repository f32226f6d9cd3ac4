using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The way back to each storage commitment requester whose association this process served: the reporter tries it
/// first (PS3.4 J.3.3), and falls back to a new association when it is closed or was never here (after a restart).
/// </summary>
public sealed class CommitmentChannels
{
    private readonly ConcurrentDictionary<string, IEventReportChannel> _channels = new(StringComparer.Ordinal);

    public void Register(string transactionUid, IEventReportChannel channel) => _channels[transactionUid] = channel;

    public IEventReportChannel? Take(string transactionUid) => _channels.TryRemove(transactionUid, out var channel) ? channel : null;
}
