namespace ImagingGateway.Dicom.Network.Server;

/// <summary>Settings of a <see cref="DicomListener"/>.</summary>
public sealed record DicomListenerOptions
{
    /// <summary>The ports to listen on, each plain or TLS; bound in this order.</summary>
    public required IReadOnlyList<DicomListenEndpoint> Endpoints { get; init; }

    /// <summary>
    /// Size of the reads from the socket (or TLS stream) into the connection's pipe: large reads mean few receive calls
    /// and thread hand-offs per instance (src/Dicom/Network/README.md, Hosting the SCP).
    /// </summary>
    public int ReadSize { get; init; } = 64 * 1024;

    /// <summary>Connections served at once, over all endpoints; beyond it a connection is handed over flagged <see cref="DicomConnectionInfo.OverCapacity"/>.</summary>
    public int MaxConnections { get; init; } = int.MaxValue;

    /// <summary>Over-capacity connections handed over at once; beyond it a connection is closed at once, before any TLS handshake or read.</summary>
    public int MaxOverCapacityConnections { get; init; }
}
