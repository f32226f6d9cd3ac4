using System.IO.Pipelines;
using System.Net;
using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// A small standalone DICOM SCP: a <see cref="DicomListener"/> on one port (plain, or TLS per PS3.15 B.1) running a
/// <see cref="DicomAssociationHandler"/> on each connection, and answering connections over
/// <see cref="DicomServerOptions.MaxConcurrentAssociations"/> with A-ASSOCIATE-RJ (PS3.8 9.3.4).
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomAssociationHandler _handler;
    private readonly DicomListener _listener;

    public DicomServer(DicomServerOptions options, IDicomServiceProvider provider, AssociationPolicy policy)
    {
        _handler = new DicomAssociationHandler(provider, policy, options.Association);
        _listener = new DicomListener(
            new DicomListenerOptions
            {
                Endpoints = [new DicomListenEndpoint(options.BindAddress, options.Port, options.Tls)],
                MaxConnections = options.MaxConcurrentAssociations,
                MaxOverCapacityConnections = options.MaxConcurrentRejections,
            },
            ServeAsync);
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoints[0];

    /// <summary>Number of associations being served right now.</summary>
    public int ActiveAssociations => _listener.ActiveConnections;

    /// <summary>Connections over capacity being answered with A-ASSOCIATE-RJ right now (each until its request came or ARTIM ran out).</summary>
    public int OverCapacityConnections => _listener.OverCapacityConnections;

    public void Start() => _listener.Start();

    /// <summary>Stops listening and aborts every association still open (A-ABORT), then waits for them.</summary>
    public Task StopAsync() => _listener.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Serves the connection, or answers its request with A-ASSOCIATE-RJ when it came in over capacity.</summary>
    private async Task ServeAsync(IDuplexPipe transport, DicomConnectionInfo connection, CancellationToken stopping)
    {
        var info = new TransportInfo($"{connection.Id:D6}-{Guid.NewGuid():N}", connection.RemoteEndPoint, connection.LocalEndPoint, connection.ClientCertificate);
        if (connection.OverCapacity)
        {
            await _handler.RejectAsync(transport, info, DicomAssociationHandler.LocalLimitExceeded, stopping).ConfigureAwait(false);
        }
        else
        {
            await _handler.RunAsync(transport, info, stopping).ConfigureAwait(false);
        }
    }
}
