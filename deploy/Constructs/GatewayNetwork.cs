using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Action = Amazon.CDK.AWS.EC2.Action;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The VPC: public subnets (load balancer, NAT) and private subnets (Gateway tasks) in at least two AZs,
/// flow logs of all traffic to CloudWatch Logs, gateway endpoints for S3 and DynamoDB (instance traffic stays off
/// the NAT), and one network ACL per tier that admits only the traffic the design needs (rules below).
/// </summary>
public sealed class GatewayNetwork : Construct
{
    /// <summary>Linux ephemeral ports (Fargate tasks); replies to the tasks' outbound HTTPS arrive here.</summary>
    public const int TaskEphemeralFrom = 32768;

    public GatewayNetwork(Construct scope, string id, GatewayNetworkProps props) : base(scope, id)
    {
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            // CDK refuses maxAzs together with an explicit list; DeploySettings rejects a maxAzs it would silently cap.
            MaxAzs = props.AvailabilityZones.Count > 0 ? null : props.MaxAzs,
            AvailabilityZones = props.AvailabilityZones.Count > 0 ? props.AvailabilityZones.ToArray() : null,
            NatGateways = props.NatGateways,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "Public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration { Name = "Private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 22 },
            ],
            GatewayEndpoints = new Dictionary<string, IGatewayVpcEndpointOptions>
            {
                ["S3"] = new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 },
                ["DynamoDb"] = new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.DYNAMODB },
            },
        });

        FlowLogGroup = new LogGroup(this, "FlowLogs", new LogGroupProps
        {
            Retention = props.LogRetention,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        var flowLogRole = new Role(this, "FlowLogRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("vpc-flow-logs.amazonaws.com"),
        });
        Vpc.AddFlowLog("FlowLog", new FlowLogOptions
        {
            Destination = FlowLogDestination.ToCloudWatchLogs(FlowLogGroup, flowLogRole),
            TrafficType = FlowLogTrafficType.ALL,
        });

        PublicAcl = new NetworkAcl(this, "PublicAcl", new NetworkAclProps
        {
            Vpc = Vpc,
            SubnetSelection = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
        });
        PrivateAcl = new NetworkAcl(this, "PrivateAcl", new NetworkAclProps
        {
            Vpc = Vpc,
            SubnetSelection = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
        });
        AddPublicRules(props);
        AddPrivateRules(props);
    }

    public Vpc Vpc { get; }

    public LogGroup FlowLogGroup { get; }

    public NetworkAcl PublicAcl { get; }

    public NetworkAcl PrivateAcl { get; }

    /// <summary>
    /// Public tier (load balancer nodes, NAT gateways). In: the listener ports from each peer, then an explicit deny of
    /// the listener ports from anyone else (so the ephemeral rule below cannot reopen them), replies to NAT traffic on
    /// 1024-65535, everything from inside the VPC. Out: HTTPS to AWS APIs through NAT, replies to peers, the VPC.
    /// </summary>
    private void AddPublicRules(GatewayNetworkProps props)
    {
        var vpcCidr = AclCidr.Ipv4(Vpc.VpcCidrBlock);
        var rule = 100;
        foreach (var peer in props.AllowedPeerCidrs)
        {
            foreach (var port in props.ListenerPorts)
            {
                Entry(PublicAcl, $"InPeer{rule}", rule++, TrafficDirection.INGRESS, AclCidr.Ipv4(peer), AclTraffic.TcpPort(port), Action.ALLOW);
            }
        }
        rule = 900;
        foreach (var port in props.ListenerPorts)
        {
            Entry(PublicAcl, $"InDenyListener{port}", rule++, TrafficDirection.INGRESS, AclCidr.AnyIpv4(), AclTraffic.TcpPort(port), Action.DENY);
        }
        Entry(PublicAcl, "InVpc", 1000, TrafficDirection.INGRESS, vpcCidr, AclTraffic.AllTraffic(), Action.ALLOW);
        Entry(PublicAcl, "InReplies", 1010, TrafficDirection.INGRESS, AclCidr.AnyIpv4(), AclTraffic.TcpPortRange(1024, 65535), Action.ALLOW);

        Entry(PublicAcl, "OutVpc", 100, TrafficDirection.EGRESS, vpcCidr, AclTraffic.AllTraffic(), Action.ALLOW);
        Entry(PublicAcl, "OutHttps", 110, TrafficDirection.EGRESS, AclCidr.AnyIpv4(), AclTraffic.TcpPort(443), Action.ALLOW);
        rule = 200;
        foreach (var peer in props.AllowedPeerCidrs)
        {
            Entry(PublicAcl, $"OutPeer{rule}", rule++, TrafficDirection.EGRESS, AclCidr.Ipv4(peer), AclTraffic.TcpPortRange(1024, 65535), Action.ALLOW);
        }
    }

    /// <summary>
    /// Private tier (Gateway tasks). The load balancer preserves client IPs, so DICOM traffic arrives from the peers
    /// themselves. In: container ports from each peer and from the VPC (health checks), replies on the task ephemeral
    /// range, DNS replies from the VPC. Out: HTTPS (AWS APIs, ECR, logs), replies to peers and the VPC, DNS.
    /// </summary>
    private void AddPrivateRules(GatewayNetworkProps props)
    {
        var vpcCidr = AclCidr.Ipv4(Vpc.VpcCidrBlock);
        var rule = 100;
        foreach (var peer in props.AllowedPeerCidrs)
        {
            foreach (var port in props.ContainerPorts)
            {
                Entry(PrivateAcl, $"InPeer{rule}", rule++, TrafficDirection.INGRESS, AclCidr.Ipv4(peer), AclTraffic.TcpPort(port), Action.ALLOW);
            }
        }
        rule = 900;
        foreach (var port in props.ContainerPorts)
        {
            Entry(PrivateAcl, $"InVpcPort{port}", rule++, TrafficDirection.INGRESS, vpcCidr, AclTraffic.TcpPort(port), Action.ALLOW);
        }
        Entry(PrivateAcl, "InReplies", 1000, TrafficDirection.INGRESS, AclCidr.AnyIpv4(), AclTraffic.TcpPortRange(TaskEphemeralFrom, 65535), Action.ALLOW);
        Entry(PrivateAcl, "InDnsReplies", 1010, TrafficDirection.INGRESS, vpcCidr, AclTraffic.UdpPortRange(1024, 65535), Action.ALLOW);

        Entry(PrivateAcl, "OutHttps", 100, TrafficDirection.EGRESS, AclCidr.AnyIpv4(), AclTraffic.TcpPort(443), Action.ALLOW);
        Entry(PrivateAcl, "OutVpcReplies", 110, TrafficDirection.EGRESS, vpcCidr, AclTraffic.TcpPortRange(1024, 65535), Action.ALLOW);
        Entry(PrivateAcl, "OutDnsUdp", 120, TrafficDirection.EGRESS, vpcCidr, AclTraffic.UdpPort(53), Action.ALLOW);
        Entry(PrivateAcl, "OutDnsTcp", 130, TrafficDirection.EGRESS, vpcCidr, AclTraffic.TcpPort(53), Action.ALLOW);
        rule = 200;
        foreach (var peer in props.AllowedPeerCidrs)
        {
            Entry(PrivateAcl, $"OutPeer{rule}", rule++, TrafficDirection.EGRESS, AclCidr.Ipv4(peer), AclTraffic.TcpPortRange(1024, 65535), Action.ALLOW);
        }
    }

    private static void Entry(NetworkAcl acl, string id, int number, TrafficDirection direction, AclCidr cidr, AclTraffic traffic, Action action) =>
        acl.AddEntry(id, new CommonNetworkAclEntryOptions
        {
            RuleNumber = number,
            Direction = direction,
            Cidr = cidr,
            Traffic = traffic,
            RuleAction = action,
        });
}
