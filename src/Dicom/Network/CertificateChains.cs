using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network;

/// <summary>Peer certificate verification against roots of the caller's choosing instead of the system trust store.</summary>
internal static class CertificateChains
{
    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (revocation not checked).</summary>
    public static bool ChainsTo(X509Certificate certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
