using System.Net;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>A <see cref="DicomServer"/> on 127.0.0.1 with a random port, storing into a fresh temp folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(DicomServer server, FolderStoreProvider provider, string folder)
    {
        Server = server;
        Provider = provider;
        Folder = folder;
    }

    public DicomServer Server { get; }

    public FolderStoreProvider Provider { get; }

    public string Folder { get; }

    public int Port => Server.LocalEndPoint.Port;

    public static TestServer Start(AssociationPolicy? policy = null, DicomServerOptions? options = null)
    {
        var folder = Directory.CreateTempSubdirectory("dicom-net-").FullName;
        var provider = new FolderStoreProvider(folder);
        var server = new DicomServer((options ?? new DicomServerOptions()) with { BindAddress = IPAddress.Loopback, Port = 0 }, provider, policy ?? new AssociationPolicy());
        server.Start();
        return new TestServer(server, provider, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Environment.GetEnvironmentVariable("DICOM_NET_KEEP_TEST_FILES") is null)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
