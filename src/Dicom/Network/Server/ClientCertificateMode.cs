namespace ImagingGateway.Dicom.Network.Server;

/// <summary>Whether a TLS listener asks its peers for a certificate (mutual TLS, PS3.15 B.1) and whether it must get one.</summary>
public enum ClientCertificateMode
{
    /// <summary>No certificate is asked for; one sent anyway is ignored.</summary>
    None = 0,

    /// <summary>A certificate is asked for; a peer without one is served, one with a certificate that does not verify is not.</summary>
    Allow = 1,

    /// <summary>A certificate is asked for and must verify; the handshake fails without one.</summary>
    Require = 2,
}
