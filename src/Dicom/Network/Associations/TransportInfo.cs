using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>What the host knows about a connection before any PDU: ids and endpoints, and the TLS client certificate if any.</summary>
public sealed record TransportInfo(string ConnectionId, EndPoint? RemoteEndPoint, EndPoint? LocalEndPoint, X509Certificate2? ClientCertificate = null);
