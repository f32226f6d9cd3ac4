using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>Settings of the SCU.</summary>
public sealed record DicomClientOptions
{
    public string CallingAeTitle { get; init; } = "IMAGINGGW";

    public string CalledAeTitle { get; init; } = "ANY-SCP";

    public AssociationOptions Association { get; init; } = new();

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the A-ASSOCIATE-AC/RJ and for A-RELEASE-RP.</summary>
    public TimeSpan AcseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a DIMSE response after the request was sent.</summary>
    public TimeSpan DimseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Use TLS (PS3.15 B.1).</summary>
    public bool UseTls { get; init; }

    /// <summary>Name checked against the server certificate; defaults to the host connected to.</summary>
    public string? TlsTargetHost { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Roots trusted for the server certificate; when empty the system store is used.</summary>
    public X509Certificate2Collection TrustedServerRoots { get; init; } = [];
}
