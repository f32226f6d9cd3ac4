namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The connection's byte stream under its pipe (a <see cref="System.Net.Sockets.NetworkStream"/>), for a connection
/// middleware that layers another stream on it (TLS) without a second pipe in between, and the size of the reads a pipe
/// over it should make.
/// </summary>
public interface IConnectionStreamFeature
{
    Stream Stream { get; }

    int ReadSize { get; }
}
