using System.Net;
using System.Net.Sockets;
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

    [Fact]
    public async Task GivenAllowedClientCertificates_WhenClientsComeWithoutOneWithATrustedOneAndWithAnUntrustedOne_ThenOnlyTheUntrustedOneIsRefused()
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create(temp.Path);
        using var stranger = TestPki.Create(temp.Sub("stranger"));
        var ports = FreePorts.Take(3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0], httpPort: ports[1],
            extraArgs:
            [
                $"--Gateway:TlsPort={ports[2]}", $"--Gateway:Tls:CertificatePath={pki.ServerPfx}",
                "--Gateway:Tls:ClientCertificate=Allow", $"--Gateway:Tls:ClientCaPath={pki.CaPem}",
            ]);

        var withoutCertificate = await new DicomClient(pki.ClientOptions(withCertificate: false)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None);
        var withTrustedCertificate = await new DicomClient(pki.ClientOptions(withCertificate: true)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None);
        var untrusted = pki.ClientOptions(withCertificate: false) with { ClientCertificate = stranger.Client };

        Assert.True(withoutCertificate.IsSuccess);
        Assert.True(withTrustedCertificate.IsSuccess);
        await Assert.ThrowsAsync<DicomNetworkException>(() => new DicomClient(untrusted).EchoAsync("127.0.0.1", ports[2], CancellationToken.None));
    }

    [Fact]
    public async Task GivenRequiredClientCertificates_WhenDcmtkStorescuSendsOverTlsWithItsCertificate_ThenTheInstanceIsStoredByteForByte()
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create(temp.Path);
        var (clientKey, clientCertificate) = pki.ExportClientPem(temp.Path);
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 2);
        var data = new GatewayData(temp.Sub("data"));
        var ports = FreePorts.Take(3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0], httpPort: ports[1],
            extraArgs:
            [
                $"--Gateway:TlsPort={ports[2]}", $"--Gateway:Tls:CertificatePath={pki.ServerPfx}",
                "--Gateway:Tls:ClientCertificate=Require", $"--Gateway:Tls:ClientCaPath={pki.CaPem}",
            ]);

        // DCMTK's own TLS (OpenSSL): its key and certificate, and the test CA to verify the gateway's certificate.
        var sent = await Dcmtk.StoreOverTlsAsync(ports[2], clientKey, clientCertificate, pki.CaPem, study.Select(i => i.Path));
        var refused = await Dcmtk.StoreAsync(ports[2], study.Take(1).Select(i => i.Path), timeout: TimeSpan.FromSeconds(60));

        Assert.True(sent.ExitCode == 0, sent.Output + gateway.Log);
        Assert.Equal([0, 1], Dcmtk.AcknowledgedFileIndexes(sent.Output));
        var stored = data.InstanceFiles();
        foreach (var instance in study)
        {
            Assert.Equal(Part10.DataSetBytes(await File.ReadAllBytesAsync(instance.Path)), Part10.DataSetBytes(await File.ReadAllBytesAsync(stored[instance.SopInstanceUid])));
        }

        Assert.NotEqual(0, refused.ExitCode); // plain DICOM on the TLS port: no handshake, no association
        Assert.Equal(2, await gateway.InstancesStoredAsync());
    }

    /// <summary>
    /// Issue #24: a refused or timed-out handshake is a security event, logged with the peer and the reason at Warning
    /// (the gateway under test logs Information and above, so a Debug line would not show); the timeout is the
    /// setting Gateway:Tls:HandshakeTimeout.
    /// </summary>
    [Fact]
    public async Task GivenRequiredClientCertificates_WhenAClientHasNoneOrStaysSilent_ThenEachRefusalIsLoggedWithPeerAndReason()
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create(temp.Path);
        var ports = FreePorts.Take(3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), port: ports[0], httpPort: ports[1],
            extraArgs:
            [
                $"--Gateway:TlsPort={ports[2]}", $"--Gateway:Tls:CertificatePath={pki.ServerPfx}",
                "--Gateway:Tls:ClientCertificate=Require", $"--Gateway:Tls:ClientCaPath={pki.CaPem}",
                "--Gateway:Tls:HandshakeTimeout=00:00:01",
            ]);

        await Assert.ThrowsAsync<DicomNetworkException>(() => new DicomClient(pki.ClientOptions(withCertificate: false)).EchoAsync("127.0.0.1", ports[2], CancellationToken.None));
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync("127.0.0.1", ports[2]);
        var closed = await GatewayProcess.WaitUntilAsync(() => Task.FromResult(gateway.Log.Contains("did not complete in time", StringComparison.Ordinal)), TimeSpan.FromSeconds(15));

        Assert.Matches(@"from 127\.0\.0\.1:\d+: TLS handshake refused: .+", gateway.Log);
        Assert.True(closed, gateway.Log);
        Assert.Matches(@"from 127\.0\.0\.1:\d+: TLS handshake refused: the handshake did not complete in time \(Gateway:Tls:HandshakeTimeout\)", gateway.Log);
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

        /// <summary>The client's key and certificate as PEM files, the way DCMTK takes them.</summary>
        public (string KeyPem, string CertificatePem) ExportClientPem(string directory)
        {
            var key = Path.Combine(directory, "client.key");
            var certificate = Path.Combine(directory, "client.pem");
            using var ecdsa = Client.GetECDsaPrivateKey()!;
            File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certificate, Client.ExportCertificatePem());
            return (key, certificate);
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
