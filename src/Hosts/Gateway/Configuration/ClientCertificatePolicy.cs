namespace ImagingGateway.Gateway.Configuration;

/// <summary>Whether TLS peers must present a certificate (mutual TLS).</summary>
public enum ClientCertificatePolicy
{
    None = 0,
    Allow = 1,
    Require = 2,
}
