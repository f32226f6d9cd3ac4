using Amazon.CDK.AWS.Logs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="GatewayNetwork"/>.</summary>
/// <param name="AvailabilityZones">empty: CDK picks <paramref name="MaxAzs"/> zones</param>
/// <param name="ListenerPorts">the ports DICOM peers connect to (11112 and, with TLS, 2762)</param>
/// <param name="ContainerPorts">the ports the Gateway task listens on behind the load balancer</param>
public sealed record GatewayNetworkProps(
    int MaxAzs,
    IReadOnlyList<string> AvailabilityZones,
    int NatGateways,
    IReadOnlyList<string> AllowedPeerCidrs,
    IReadOnlyList<int> ListenerPorts,
    IReadOnlyList<int> ContainerPorts,
    RetentionDays LogRetention);
