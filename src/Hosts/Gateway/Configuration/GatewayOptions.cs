using ImagingGateway.Application.Common.Options;

namespace ImagingGateway.Gateway.Configuration;

/// <summary>
/// Configuration section <c>Gateway</c> (docs/contracts.md, docs/configuration.md). Environment variables use
/// <c>GATEWAY__SECTION__KEY</c>. Checked at start-up by <see cref="GatewayOptionsValidator"/>.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    public string AeTitle { get; set; } = "IMAGINGGW";

    public bool CheckCalledAeTitle { get; set; }

    /// <summary>Empty means any calling AE title is accepted.</summary>
    public List<string> AllowedCallingAeTitles { get; set; } = [];

    public int Port { get; set; } = 11112;

    /// <summary>0 turns the TLS listener off; conventionally 2762.</summary>
    public int TlsPort { get; set; }

    public int HttpPort { get; set; } = 8080;

    /// <summary>Address every listener binds; empty means every interface (IPv4 and IPv6).</summary>
    public string ListenAddress { get; set; } = string.Empty;

    public string DataDirectory { get; set; } = "./data";

    /// <summary>Associations served at once; further ones are rejected (A-ASSOCIATE-RJ, transient, local limit exceeded).</summary>
    public int MaxAssociations { get; set; } = 64;

    /// <summary>
    /// Accept every proposed abstract syntax with a valid UID as a storage SOP class, private ones included, for
    /// modalities that send private classes; HealthImaging then decides at import. Off: only the standard's storage
    /// classes (PS3.4 Annex B) and Verification.
    /// </summary>
    public bool AcceptAnySopClass { get; set; }

    /// <summary>
    /// A Deflated Explicit VR Little Endian data set (PS3.5 A.5) that inflates to more than this is answered 0xA700 while
    /// it is received, and nothing is stored.
    /// </summary>
    public long MaxInflatedDataSetBytes { get; set; } = ReceiveOptions.DefaultMaxInflatedDataSetBytes;

    /// <summary>The largest PDU we accept, announced as our maximum length in the association accept (PS3.8 D.1).</summary>
    public int MaxPduLength { get; set; } = 262_144;

    /// <summary>
    /// Asynchronous operations window (PS3.7 D.3.3.3): the most C-STOREs one association may have outstanding when the
    /// sender proposes a window. Each outstanding store holds its upload buffer until it is durable.
    /// </summary>
    public int MaxAsyncOperations { get; set; } = 16;

    /// <summary>
    /// Connections that have not had an A-ASSOCIATE-RQ accepted yet; they hold no association slot. Over this, the
    /// oldest such connection is closed to make room for the new one.
    /// </summary>
    public int MaxPendingConnections { get; set; } = 256;

    /// <summary>The same limit for the connections from one peer address.</summary>
    public int MaxPendingConnectionsPerAddress { get; set; } = 32;

    /// <summary>
    /// ARTIM: how long a new connection may take to send its A-ASSOCIATE-RQ, and how long we wait for a peer to close
    /// after A-ASSOCIATE-RJ or A-ABORT (PS3.8 9.1.5). A real sender sends its request at once; short keeps idle sockets cheap.
    /// </summary>
    public TimeSpan AssociationRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An association with no PDU for this long is aborted.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On SIGTERM: how long in-flight associations may go on before they are aborted.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often batches left open (by a crash, or by another gateway) are looked for and closed.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TlsOptions Tls { get; set; } = new();

    public AdapterOptions Adapters { get; set; } = new();

    public BatchingOptions Batching { get; set; } = new();

    public GatewayAwsOptions Aws { get; set; } = new();

    public StorageCommitmentSettings StorageCommitment { get; set; } = new();
}
