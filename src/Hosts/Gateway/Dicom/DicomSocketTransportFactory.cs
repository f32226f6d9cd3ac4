using System.Net;
using ImagingGateway.Dicom.Network.Server;
using Microsoft.AspNetCore.Connections;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Kestrel's transport for the DICOM ports (<see cref="DicomEndPoint"/>): the toolkit's listening socket
/// (<see cref="DicomListenSocket"/>), and connections (<see cref="DicomSocketConnection"/>) with a receive thread of
/// their own that blocks in <c>recv</c> for up to <see cref="ReadSize"/> bytes and runs the association between
/// receives, where Kestrel's socket transport reads 4 KiB at a time and resumes the application on the thread pool.
/// It is kept beside Kestrel's transport for CPU: with the DICOM port on Kestrel's socket transport instead, the same
/// build took 55% more server CPU per 0.5 MB CT file with one association (3.59 against 2.31 ms) and 26% more with four
/// (3.82 against 3.03 ms), at files/s within the noise, while 8 KB files at four associations went 12% faster there
/// (301 against 270 files/s; bench/startup/transport_ab.sh, medians of 3 alternating runs on 2 shared cores).
/// Every other endpoint (HTTP) stays on Kestrel's socket transport: <see cref="CanBind"/> takes only DICOM endpoints.
/// </summary>
public sealed partial class DicomSocketTransportFactory(ILogger<DicomSocketTransportFactory> logger) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <summary>Bytes asked of the socket per read.</summary>
    public const int ReadSize = 128 * 1024;

    private long _connections;

    public bool CanBind(EndPoint endpoint) => endpoint is DicomEndPoint;

    /// <exception cref="IOException">The port cannot be bound (in use, not permitted); the message names it.</exception>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not DicomEndPoint dicom)
        {
            throw new NotSupportedException($"{endpoint} is not a DICOM endpoint.");
        }

        var socket = DicomListenSocket.Bind(dicom.Address, dicom.Port);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        LogListening(logger, dicom.Tls ? "DICOM TLS" : "DICOM", bound.ToString());
        return ValueTask.FromResult<IConnectionListener>(new DicomSocketConnectionListener(
            socket, new DicomEndPoint(bound.Address, bound.Port, dicom.Tls), ReadSize, NextConnectionId));
    }

    /// <summary>Names every DICOM connection of the process (<c>dicom-1</c>, <c>dicom-2</c>, …) in Kestrel's and our logs.</summary>
    private string NextConnectionId() => $"dicom-{Interlocked.Increment(ref _connections)}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Protocol} associations on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string protocol, string endPoint);
}
