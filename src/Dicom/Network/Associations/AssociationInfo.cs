using System.Net;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>
/// An association as negotiated: who, from where, over which contexts, with which limits. The TLS
/// <see cref="ClientCertificate"/> is owned by the transport and valid only until the association's last callback returns.
/// </summary>
public sealed record AssociationInfo(
    string AssociationId,
    AssociateRequestPdu Request,
    IReadOnlyList<PresentationContextAcceptItem> AcceptedContexts,
    EndPoint? RemoteEndPoint,
    X509Certificate2? ClientCertificate)
{
    public string CallingAeTitle => Request.CallingAeTitle;

    public string CalledAeTitle => Request.CalledAeTitle;

    /// <summary>The peer's maximum P-DATA length; 0 means unlimited.</summary>
    public uint PeerMaxPduLength => Request.UserInformation.MaximumLength;
}
