using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The storage commitment requests whose N-ACTION this process answered and has not finished reporting, each with the
/// way back to its requester until the reporter has tried it (PS3.4 J.3.3): the reporter tries it first and falls back
/// to a new association when it is closed or was never here (after a restart, or on another Gateway task). Holding a
/// request makes it due here at once, where other tasks wait for the takeover delay.
/// </summary>
public sealed class CommitmentChannels
{
    private readonly ConcurrentDictionary<string, IEventReportChannel?> _held = new(StringComparer.Ordinal);

    public void Register(string transactionUid, IEventReportChannel channel) => _held[transactionUid] = channel;

    /// <summary>The Transaction UIDs held here, a snapshot.</summary>
    public IReadOnlySet<string> Held() => _held.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The request's association, once: after one report on it, sent or not, it is used up; the request stays held.</summary>
    public IEventReportChannel? Take(string transactionUid) =>
        _held.TryGetValue(transactionUid, out var channel) && channel is not null && _held.TryUpdate(transactionUid, null, channel) ? channel : null;

    /// <summary>The request is reported or given up: nothing more to do here.</summary>
    public void Forget(string transactionUid) => _held.TryRemove(transactionUid, out _);
}
