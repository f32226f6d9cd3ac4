using System.Net;
using System.Net.Sockets;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using ImagingGateway.Gateway.Observability;
using ImagingGateway.Gateway.Tests.Support;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// Issue #24, item 1: connections that never send an A-ASSOCIATE-RQ, or that send an A-ABORT and stay open, must not
/// take the association slots that real senders need.
/// </summary>
public sealed class PendingConnectionsTests
{
    [Fact]
    public async Task Given200IdleAnd64AbortedConnections_WhenEchoscuAndStorescuAssociate_ThenBothSucceedAndThePendingOnesAreCapped()
    {
        using var temp = new TempDirectory();
        var instance = (await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1))[0];
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        var idle = new List<Socket>();
        var aborted = new List<Socket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                idle.Add(await ConnectAsync(gateway.Port));
            }

            for (var i = 0; i < 64; i++)
            {
                var socket = await ConnectAsync(gateway.Port);
                await socket.SendAsync(Convert.FromHexString("07000000000400000000")); // A-ABORT, then the socket stays open
                aborted.Add(socket);
            }

            var echo = await Dcmtk.EchoAsync(gateway.Port);
            var store = await Dcmtk.StoreAsync(gateway.Port, [instance.Path]);

            Assert.True(echo.ExitCode == 0, echo.Output + gateway.Log);
            Assert.True(store.ExitCode == 0, store.Output);
            Assert.Contains("Received Store Response (Success)", store.Output, StringComparison.Ordinal);
            var stats = await gateway.GetJsonAsync("/api/stats");
            Assert.InRange(stats.GetProperty("pendingConnections").GetInt64(), 0, 32); // Gateway:MaxPendingConnectionsPerAddress
            Assert.Equal(0, stats.GetProperty("activeAssociations").GetInt64());
            var metrics = await gateway.Http.GetStringAsync("/metrics");
            Assert.Matches(@"gateway_connections_pending(_ratio)?(\{[^}]*\})? \d+", metrics);

            // PS3.8 AA-2: the server closes a connection at once when it receives an A-ABORT before the request.
            foreach (var socket in aborted)
            {
                Assert.True(await IsClosedByPeerAsync(socket, TimeSpan.FromSeconds(5)), "a connection that sent A-ABORT is still open");
            }
        }
        finally
        {
            foreach (var socket in idle.Concat(aborted))
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public void GivenMoreConnectionsThanTheLimits_WhenTheyEnter_ThenTheOldestPendingOnesAreClosedFirstPerAddressThenOverall()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = Options.Create(new GatewayOptions { MaxPendingConnections = 3, MaxPendingConnectionsPerAddress = 2 });
        var stats = new GatewayStats();
        var pending = new PendingConnections(options, stats, new GatewayMetrics(meters, new JobStatusSampler(null!, null!)));
        var closed = new List<string>();
        IPEndPoint From(string address) => new(IPAddress.Parse(address), 40000);

        var a1 = pending.Enter(From("10.0.0.1"), () => closed.Add("a1"));
        var a2 = pending.Enter(From("10.0.0.1"), () => closed.Add("a2"));
        var a3 = pending.Enter(From("10.0.0.1"), () => closed.Add("a3"));
        Assert.Equal(["a1"], closed); // per address
        var b1 = pending.Enter(From("10.0.0.2"), () => closed.Add("b1"));
        var c1 = pending.Enter(From("10.0.0.3"), () => closed.Add("c1"));
        Assert.Equal(["a1", "a2"], closed); // overall: a2 is now the oldest
        Assert.Equal(3, pending.Count);
        Assert.Equal(3, stats.PendingConnections);

        a1.Dispose(); // evicted already: nothing changes
        a3.Dispose();
        b1.Dispose();
        b1.Dispose();
        Assert.Equal(1, pending.Count);
        Assert.Equal(1, stats.PendingConnections);
        c1.Dispose();
        a2.Dispose();
        Assert.Equal(0, pending.Count);
        Assert.Equal(0, stats.PendingConnections);
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static async Task<bool> IsClosedByPeerAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true; // reset: closed as well
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
