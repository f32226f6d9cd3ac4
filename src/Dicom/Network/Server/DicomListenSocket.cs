using System.Net;
using System.Net.Sockets;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// The listening TCP socket of a DICOM port (PS3.8 9.1: one association per TCP connection), as
/// <see cref="DicomListener"/> and a host's own transport open it.
/// </summary>
public static class DicomListenSocket
{
    /// <summary>Connections the system queues before they are accepted.</summary>
    public const int Backlog = 512;

    /// <summary>
    /// A socket bound to <paramref name="address"/> and <paramref name="port"/> and listening. <paramref name="address"/>
    /// null listens on every interface, IPv6 and IPv4 alike (a dual-mode <c>[::]</c> socket) where the system allows it,
    /// else on <c>0.0.0.0</c>; <paramref name="port"/> 0 picks a free port.
    /// </summary>
    /// <exception cref="IOException">The endpoint cannot be bound (e.g. the port is in use); the message names it.</exception>
    public static Socket Bind(IPAddress? address, int port)
    {
        if (address is not null)
        {
            return Listen(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(address, port));
        }

        return Socket.OSSupportsIPv6
            ? Listen(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }, new IPEndPoint(IPAddress.IPv6Any, port))
            : Listen(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Any, port));
    }

    private static Socket Listen(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            AllowRebindDuringTimeWait(socket);
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot listen for DICOM on {endPoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// SO_REUSEADDR alone, as Kestrel does: a restarted listener can bind while the previous process's connections are
    /// in TIME_WAIT. Not <see cref="SocketOptionName.ReuseAddress"/>, which on Linux also sets SO_REUSEPORT and would let
    /// a second process listen on the same port and silently take a share of the associations. Elsewhere (Windows)
    /// nothing is set: there SO_REUSEADDR would allow exactly that.
    /// </summary>
    private static void AllowRebindDuringTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEADDR
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(0xFFFF, 4, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEADDR
        }
    }
}
