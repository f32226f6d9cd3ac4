using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>PS3.15 B.1 secure transport with a CA made by the test: DCMTK storescu +tls and our client, client certificates verified.</summary>
public class DicomServerTlsTests
{
    [Fact]
    public async Task GivenTlsServerRequiringClientCertificates_WhenStorescuSendsWithCaSignedCertificate_ThenStoredAndVerified()
    {
        using var certificates = new TestCertificates();
        await using var server = TestServer.Start(options: new DicomServerOptions
        {
            Tls = new DicomTlsOptions
            {
                ServerCertificate = certificates.Server,
                ClientCertificate = ClientCertificateMode.Require,
                TrustedClientRoots = [certificates.Ca],
            },
        });
        var file = Path.Combine(Corpus.RequireDirectory(), "CT_small.dcm");
        var result = await ExternalTool.RunAsync("storescu",
            ["-v", "+tls", certificates.ClientKeyPem, certificates.ClientCertificatePem, "+cf", certificates.CaPem, "127.0.0.1", server.Port.ToString(), file, file],
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, DicomServerDcmtkTests.CountOccurrences(result.Output, "Received Store Response (Success)"));
        Assert.Equal(2, await Corpus.AssertReceivedEquivalentToSourcesAsync(server.Folder));
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.Released.Count == 1);
        Assert.Equal(certificates.Client.Thumbprint, server.Provider.ReleasedClientThumbprints.Single());
    }

    [Fact]
    public async Task GivenTlsServerRequiringClientCertificates_WhenStorescuHasNoCertificate_ThenNothingIsStored()
    {
        using var certificates = new TestCertificates();
        await using var server = TestServer.Start(options: new DicomServerOptions
        {
            Tls = new DicomTlsOptions
            {
                ServerCertificate = certificates.Server,
                ClientCertificate = ClientCertificateMode.Require,
                TrustedClientRoots = [certificates.Ca],
            },
        });
        var file = Path.Combine(Corpus.RequireDirectory(), "CT_small.dcm");
        var result = await ExternalTool.RunAsync("storescu", ["+tla", "+cf", certificates.CaPem, "127.0.0.1", server.Port.ToString(), file], TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(Directory.GetFiles(server.Folder));
        Assert.Empty(server.Provider.Released);
    }

    [Fact]
    public async Task GivenTlsServer_WhenOurClientConnectsWithItsCertificate_ThenEchoAndStoreSucceed()
    {
        using var certificates = new TestCertificates();
        await using var server = TestServer.Start(options: new DicomServerOptions
        {
            Tls = new DicomTlsOptions
            {
                ServerCertificate = certificates.Server,
                ClientCertificate = ClientCertificateMode.Require,
                TrustedClientRoots = [certificates.Ca],
            },
        });
        var client = new DicomClient(new DicomClientOptions
        {
            UseTls = true,
            TlsTargetHost = "localhost",
            ClientCertificate = certificates.Client,
            TrustedServerRoots = [certificates.Ca],
        });

        Assert.Equal(DimseStatus.Success, await client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
        var results = await client.StoreFilesAsync("127.0.0.1", server.Port, [Path.Combine(Corpus.RequireDirectory(), "MR_small.dcm")], 1, progress: null, CancellationToken.None);
        Assert.Equal(DimseStatus.Success, Assert.Single(results).Status);
        Assert.Equal(1, Corpus.AssertReceivedMatchSources(server.Folder, Corpus.Part10Files()));
    }
}
