using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>A throw-away CA with a server certificate (127.0.0.1, localhost) and a client certificate, also as PEM files for DCMTK.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Folder = Directory.CreateTempSubdirectory("dicom-net-tls-").FullName;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Imaging Gateway Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        Ca = caRequest.CreateSelfSigned(now, now.AddDays(1));

        Server = Issue("CN=localhost", serverAuth: true, now, out var serverKeyPem);
        Client = Issue("CN=storescu", serverAuth: false, now, out var clientKeyPem);
        File.WriteAllText(CaPem, Ca.ExportCertificatePem());
        File.WriteAllText(ClientCertificatePem, Client.ExportCertificatePem());
        File.WriteAllText(ClientKeyPem, clientKeyPem);
        File.WriteAllText(ServerCertificatePem, Server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPem, serverKeyPem);
    }

    public string Folder { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string CaPem => Path.Combine(Folder, "ca.crt");

    public string ClientCertificatePem => Path.Combine(Folder, "client.crt");

    public string ClientKeyPem => Path.Combine(Folder, "client.key");

    public string ServerCertificatePem => Path.Combine(Folder, "server.crt");

    public string ServerKeyPem => Path.Combine(Folder, "server.key");

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private X509Certificate2 Issue(string subject, bool serverAuth, DateTimeOffset now, out string keyPem)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca, now, now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        keyPem = key.ExportPkcs8PrivateKeyPem();
        // Round-trip through PKCS#12 so SslStream on every platform gets a persisted private key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
