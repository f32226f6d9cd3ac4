using System.Net;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// One port of a <see cref="DicomListener"/>. <paramref name="Address"/> null listens on every interface, IPv6 and IPv4
/// alike (a dual-mode <c>[::]</c> socket) where the system allows it, else on <c>0.0.0.0</c>. <paramref name="Port"/> 0
/// picks a free port (see <see cref="DicomListener.LocalEndPoints"/>). <paramref name="Tls"/> null is plain TCP.
/// </summary>
public sealed record DicomListenEndpoint(IPAddress? Address, int Port, DicomTlsOptions? Tls = null);
