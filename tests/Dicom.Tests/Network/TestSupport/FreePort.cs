using System.Net;
using System.Net.Sockets;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

public static class FreePort
{
    /// <summary>A currently free TCP port on 127.0.0.1 (for tools that need a port number up front).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
