using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// A connection accepted by a <see cref="DicomListener"/>: its number (unique per listener, across its endpoints), its
/// endpoints, the client certificate of a TLS peer (valid until the callback returns), and whether it came in over
/// <see cref="DicomListenerOptions.MaxConnections"/> (to be refused politely, e.g. with
/// <see cref="DicomAssociationHandler.RejectAsync"/>).
/// </summary>
public sealed record DicomConnectionInfo(long Id, EndPoint? RemoteEndPoint, EndPoint? LocalEndPoint, X509Certificate2? ClientCertificate, bool OverCapacity);
