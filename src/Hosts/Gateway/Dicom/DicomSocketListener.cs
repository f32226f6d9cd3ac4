using System.Net;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The DICOM listeners (<c>Gateway:Port</c>, and <c>Gateway:TlsPort</c> with TLS, PS3.15 B.1): the toolkit's
/// <see cref="DicomListener"/> on plain sockets rather than Kestrel, with 128 KiB reads where Kestrel's transport
/// reads 4 KiB blocks and hands each to the application on another thread (hundreds of receives and thread wake-ups
/// per 0.5 MB instance). Each connection goes to <see cref="DicomConnectionHandler"/>. On stop: the listeners close at
/// once, open associations get the shutdown grace period (<see cref="AssociationRegistry"/>), and stop waits for them.
/// </summary>
public sealed partial class DicomSocketListener(
    DicomConnectionHandler handler,
    IOptions<GatewayOptions> options,
    ILogger<DicomSocketListener> logger) : IHostedService, IAsyncDisposable
{
    private const int ReadSize = 128 * 1024;
    private DicomListener? _listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var address = string.IsNullOrEmpty(o.ListenAddress) ? null : IPAddress.Parse(o.ListenAddress);
        List<DicomListenEndpoint> endpoints = [new(address, o.Port)];
        if (o.TlsPort != 0)
        {
            endpoints.Add(new(address, o.TlsPort, Tls(o.Tls)));
        }

        _listener = new DicomListener(
            new DicomListenerOptions { Endpoints = endpoints, ReadSize = ReadSize },
            // Not the listener's stop token: an association ends on its own, or aborts when the grace period is over.
            (transport, connection, _) => handler.ServeAsync(transport, connection),
            (connection, e) => LogConnectionFailed(logger, DicomConnectionHandler.Name(connection), connection.RemoteEndPoint?.ToString(), e.Message));
        _listener.Start();
        var bound = _listener.LocalEndPoints;
        for (var i = 0; i < bound.Count; i++)
        {
            LogListening(logger, bound[i].ToString(), endpoints[i].Tls is null ? "DICOM" : "DICOM TLS");
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            await _listener.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    /// <summary><c>Gateway:Tls</c> as the toolkit's TLS options: the certificate, the client certificate policy, the client CA.</summary>
    private static DicomTlsOptions Tls(TlsOptions tls)
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            roots = [];
            roots.ImportFromPemFile(tls.ClientCaPath);
        }

        return new DicomTlsOptions
        {
            ServerCertificate = TlsCertificates.Load(tls),
            ClientCertificate = tls.ClientCertificate,
            TrustedClientRoots = roots,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Protocol} associations on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string? endPoint, string protocol);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} ended: {Detail}")]
    private static partial void LogConnectionFailed(ILogger logger, string connectionId, string? remote, string detail);
}
