using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>The optional DICOM TLS listener (PS3.15 B.1) with a test CA, with and without client certificates.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task GivenATlsListener_WhenOurScuEchoesOverTls_ThenItSucceeds()
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create(temp.Path);
        var ports = FreePorts.Take(3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0], httpPort: ports[1],
            extraArgs: [$"--Gateway:TlsPort={ports[2]}", $"--Gateway:Tls:CertificatePath={pki.ServerPfx}"]);

        var status = await new DicomClient(pki.ClientOptions(withCertificate: false)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None);

        Assert.True(status.IsSuccess);
    }

    [Fact]
    public async Task GivenRequiredClientCertificates_WhenAClientHasNone_ThenItCannotAssociateButOneWithACertificateCan()
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create(temp.Path);
        var ports = FreePorts.Take(3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0], httpPort: ports[1],
            extraArgs:
            [
                $"--Gateway:TlsPort={ports[2]}", $"--Gateway:Tls:CertificatePath={pki.ServerPfx}",
                "--Gateway:Tls:ClientCertificate=Require", $"--Gateway:Tls:ClientCaPath={pki.CaPem}",
            ]);

        await Assert.ThrowsAsync<DicomNetworkException>(() => new DicomClient(pki.ClientOptions(withCertificate: false)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None));
        var status = await new DicomClient(pki.ClientOptions(withCertificate: true)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None);

        Assert.True(status.IsSuccess);
    }

    private sealed class TestPki : IDisposable
    {
        private TestPki(X509Certificate2 ca, X509Certificate2 client, string serverPfx, string caPem)
        {
            Ca = ca;
            Client = client;
            ServerPfx = serverPfx;
            CaPem = caPem;
        }

        public X509Certificate2 Ca { get; }

        public X509Certificate2 Client { get; }

        public string ServerPfx { get; }

        public string CaPem { get; }

        public static TestPki Create(string directory)
        {
            var now = DateTimeOffset.UtcNow;
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=Gateway Test CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

            using var server = Issue(ca, "CN=localhost", "1.3.6.1.5.5.7.3.1", now, 1);
            var serverPfx = Path.Combine(directory, "server.pfx");
            File.WriteAllBytes(serverPfx, server.Export(X509ContentType.Pfx));
            var caPem = Path.Combine(directory, "ca.pem");
            File.WriteAllText(caPem, ca.ExportCertificatePem());
            var client = Issue(ca, "CN=modality", "1.3.6.1.5.5.7.3.2", now, 2);
            return new TestPki(ca, client, serverPfx, caPem);
        }

        public DicomClientOptions ClientOptions(bool withCertificate) => new()
        {
            CalledAeTitle = "IMAGINGGW",
            UseTls = true,
            TlsTargetHost = "localhost",
            TrustedServerRoots = [Ca],
            ClientCertificate = withCertificate ? Client : null,
        };

        private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string usage, DateTimeOffset now, byte serial)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            using var issued = request.Create(ca, now.AddHours(-1), now.AddHours(12), [serial]);
            // Round trip through PKCS#12 so the private key is usable by SslStream on Linux.
            using var withKey = issued.CopyWithPrivateKey(key);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        }

        public void Dispose()
        {
            Ca.Dispose();
            Client.Dispose();
        }
    }
}
