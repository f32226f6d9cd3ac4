using System.Net;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// A DICOM port as a Kestrel endpoint (<c>KestrelServerOptions.Listen(EndPoint, …)</c>): only
/// <see cref="DicomSocketTransportFactory"/> binds it, so the HTTP port stays on Kestrel's socket transport.
/// <paramref name="Address"/> null is every interface (dual-mode <c>[::]</c>); <paramref name="Port"/> 0 picks a free
/// port; <paramref name="Tls"/> marks the PS3.15 B.1 port, whose handshake <see cref="DicomTlsConnectionMiddleware"/> runs.
/// </summary>
public sealed class DicomEndPoint(IPAddress? address, int port, bool tls) : EndPoint
{
    public IPAddress? Address { get; } = address;

    public int Port { get; } = port;

    public bool Tls { get; } = tls;

    /// <summary>The scheme and address, e.g. <c>dicom://[::]:11112</c> or <c>dicom-tls://127.0.0.1:2762</c>.</summary>
    public override string ToString() =>
        $"{(Tls ? "dicom-tls" : "dicom")}://{(Address is null ? $"*:{Port}" : new IPEndPoint(Address, Port).ToString())}";
}
