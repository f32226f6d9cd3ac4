namespace ImagingGateway.Gateway.Configuration;

/// <summary>A known DICOM peer: its AE title and where to reach it (Gateway:StorageCommitment:Peers).</summary>
public sealed class DicomPeerOptions
{
    public string AeTitle { get; set; } = string.Empty;

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 104;

    /// <summary>Connect with TLS (PS3.15 B.1), trusting the system's roots.</summary>
    public bool UseTls { get; set; }
}
