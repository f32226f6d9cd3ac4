using System.Net;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Connections that have not yet had an A-ASSOCIATE-RQ accepted (PS3.8 Sta2): they hold no association slot, and
/// there may be at most <c>Gateway:MaxPendingConnections</c> of them in total and
/// <c>Gateway:MaxPendingConnectionsPerAddress</c> from one peer address. A new connection over a limit is let in and
/// the oldest pending one (of that address, else of all) is closed: a real sender sends its request within
/// milliseconds of connecting, so only a connection that idles is ever the oldest, and idle or half-open sockets can
/// no longer lock senders out (issue #24).
/// </summary>
public sealed class PendingConnections(IOptions<GatewayOptions> options, GatewayStats stats, GatewayMetrics metrics)
{
    private readonly int _max = options.Value.MaxPendingConnections;
    private readonly int _maxPerAddress = options.Value.MaxPendingConnectionsPerAddress;
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _all = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>
    /// Registers a new connection as pending; <paramref name="close"/> ends it if it must make room. Dispose the
    /// returned place when the connection's request arrives or the connection ends; disposing it twice, or after the
    /// connection was closed to make room, does nothing.
    /// </summary>
    public IDisposable Enter(EndPoint? remote, Action close)
    {
        var address = (remote as IPEndPoint)?.Address ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        List<Entry> evicted = [];
        IDisposable ticket;
        lock (_lock)
        {
            var entry = new Entry(address, close);
            entry.Node = _all.AddLast(entry);
            _perAddress[address] = _perAddress.GetValueOrDefault(address) + 1;
            if (_perAddress[address] > _maxPerAddress)
            {
                evicted.Add(RemoveLocked(OldestLocked(address)));
            }

            while (_all.Count > _max)
            {
                evicted.Add(RemoveLocked(_all.First!.Value));
            }

            ticket = new Ticket(this, entry);
        }

        stats.PendingConnectionOpened();
        metrics.PendingConnectionsChanged(1);
        foreach (var victim in evicted)
        {
            Left();
            metrics.PendingConnectionEvicted();
            victim.Close();
        }

        return ticket;
    }

    private Entry OldestLocked(IPAddress address)
    {
        for (var node = _all.First; node is not null; node = node.Next)
        {
            if (node.Value.Address.Equals(address))
            {
                return node.Value;
            }
        }

        throw new InvalidOperationException("No pending connection from " + address);
    }

    private Entry RemoveLocked(Entry entry)
    {
        _all.Remove(entry.Node!);
        entry.Node = null;
        if (--_perAddress[entry.Address] == 0)
        {
            _perAddress.Remove(entry.Address);
        }

        return entry;
    }

    private void Leave(Entry entry)
    {
        lock (_lock)
        {
            if (entry.Node is null)
            {
                return; // already evicted
            }

            RemoveLocked(entry);
        }

        Left();
    }

    private void Left()
    {
        stats.PendingConnectionClosed();
        metrics.PendingConnectionsChanged(-1);
    }

    private sealed class Ticket(PendingConnections owner, Entry entry) : IDisposable
    {
        public void Dispose() => owner.Leave(entry);
    }

    /// <summary>A pending connection: where it comes from, and how to close it.</summary>
    private sealed class Entry(IPAddress address, Action close)
    {
        public IPAddress Address { get; } = address;

        public Action Close { get; } = close;

        public LinkedListNode<Entry>? Node { get; set; }
    }
}
