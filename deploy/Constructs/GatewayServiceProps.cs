using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.Logs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="GatewayService"/>.</summary>
/// <param name="Environment">the Gateway's configuration (docs/contracts.md keys)</param>
/// <param name="CleartextListener">whether the NLB has a TCP listener on the DICOM port (with TLS, only when asked for)</param>
/// <param name="StopTimeoutSeconds">ECS stopTimeout; the Gateway's shutdown grace period and the NLB's deregistration delay follow it</param>
/// <param name="TlsCertificateArn">empty: no TLS listener; otherwise the NLB terminates DICOM TLS on <paramref name="TlsPort"/></param>
public sealed record GatewayServiceProps(
    IVpc Vpc,
    ContainerImage Image,
    int Cpu,
    int MemoryLimitMiB,
    int MinTaskCount,
    int MaxTaskCount,
    IReadOnlyList<string> AllowedPeerCidrs,
    bool InternetFacing,
    int DicomPort,
    int HttpPort,
    int TlsPort,
    string TlsCertificateArn,
    bool CleartextListener,
    int StopTimeoutSeconds,
    IDictionary<string, string> Environment,
    string MetricsCollectorImage,
    RetentionDays LogRetention);
