using Amazon.CDK;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.Logs;
using Constructs;
using HealthCheck = Amazon.CDK.AWS.ECS.HealthCheck;
using Protocol = Amazon.CDK.AWS.ElasticLoadBalancingV2.Protocol;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The DICOM SCP on Fargate in private subnets behind a Network Load Balancer: TCP listener on the DICOM port,
/// optional TLS listener, TCP health checks, cross-zone on, client IPs preserved, no stickiness; auto-scaling on CPU
/// (target 50 %, 60 s cooldowns); one stop timeout that sets the Gateway's grace period and the deregistration delay;
/// a read-only root file system with writable volumes only where the Gateway writes, and no Linux capabilities; an
/// OpenTelemetry collector sidecar that turns the Gateway's Prometheus metrics into CloudWatch metrics.
/// </summary>
public sealed class GatewayService : Construct
{
    /// <summary>CloudWatch namespace of the Gateway's own metrics (see docs/contracts.md, Metrics).</summary>
    public const string MetricsNamespace = "ImagingGateway";

    /// <summary>
    /// The Gateway's host waits this much longer than its association grace period before it gives up
    /// (GatewayHost's ShutdownTimeout), so the grace period is the stop timeout less this margin.
    /// </summary>
    public const int ShutdownMarginSeconds = 15;

    /// <summary>Where the Gateway writes (its data directory, and the runtime's temporary files); the root file system is read-only.</summary>
    public static readonly IReadOnlyList<string> WritablePaths = ["/data", "/tmp"];

    public GatewayService(Construct scope, string id, GatewayServiceProps props) : base(scope, id)
    {
        LogGroup = new LogGroup(this, "Logs", new LogGroupProps { Retention = props.LogRetention, RemovalPolicy = RemovalPolicy.RETAIN });
        MetricsLogGroup = new LogGroup(this, "MetricsLogs", new LogGroupProps { Retention = props.LogRetention, RemovalPolicy = RemovalPolicy.RETAIN });

        Cluster = new Cluster(this, "Cluster", new ClusterProps { Vpc = props.Vpc, ContainerInsights = true });

        TaskDefinition = new FargateTaskDefinition(this, "Task", new FargateTaskDefinitionProps
        {
            Cpu = props.Cpu,
            MemoryLimitMiB = props.MemoryLimitMiB,
            RuntimePlatform = new RuntimePlatform
            {
                OperatingSystemFamily = OperatingSystemFamily.LINUX,
                CpuArchitecture = CpuArchitecture.X86_64,
            },
        });
        Container = TaskDefinition.AddContainer("Gateway", new ContainerDefinitionOptions
        {
            Image = props.Image,
            Essential = true,
            Environment = new Dictionary<string, string>(props.Environment)
            {
                ["GATEWAY__DATADIRECTORY"] = WritablePaths[0],
                ["GATEWAY__SHUTDOWNGRACEPERIOD"] = TimeSpan.FromSeconds(props.StopTimeoutSeconds - ShutdownMarginSeconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            },
            PortMappings =
            [
                new PortMapping { ContainerPort = props.DicomPort, Protocol = Amazon.CDK.AWS.ECS.Protocol.TCP, Name = "dicom" },
                new PortMapping { ContainerPort = props.HttpPort, Protocol = Amazon.CDK.AWS.ECS.Protocol.TCP, Name = "http" },
            ],
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = LogGroup, StreamPrefix = "gateway" }),
            LinuxParameters = DropAllCapabilities(this, "GatewayLinux"),
            StopTimeout = Duration.Seconds(props.StopTimeoutSeconds),
            ReadonlyRootFilesystem = true,
            HealthCheck = new HealthCheck
            {
                // The image has bash but no curl: a TCP connect to the DICOM port proves the listener is up.
                Command = ["CMD-SHELL", $"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{props.DicomPort}' || exit 1"],
                Interval = Duration.Seconds(30),
                Timeout = Duration.Seconds(5),
                Retries = 3,
                StartPeriod = Duration.Seconds(60),
            },
        });
        foreach (var path in WritablePaths)
        {
            var volume = path.TrimStart('/');
            TaskDefinition.AddVolume(new Amazon.CDK.AWS.ECS.Volume { Name = volume });
            Container.AddMountPoints(new MountPoint { SourceVolume = volume, ContainerPath = path, ReadOnly = false });
        }
        var collector = TaskDefinition.AddContainer("MetricsCollector", new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromRegistry(props.MetricsCollectorImage),
            Essential = false,
            MemoryReservationMiB = 64,
            Environment = new Dictionary<string, string>
            {
                ["AOT_CONFIG_CONTENT"] = CollectorConfig(props.HttpPort, MetricsLogGroup.LogGroupName, Stack.Of(this).Region),
            },
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = LogGroup, StreamPrefix = "metrics-collector" }),
            LinuxParameters = DropAllCapabilities(this, "CollectorLinux"),
        });
        collector.AddContainerDependencies(new ContainerDependency { Container = Container, Condition = ContainerDependencyCondition.START });
        MetricsLogGroup.GrantWrite(TaskDefinition.TaskRole);

        LoadBalancerSecurityGroup = new SecurityGroup(this, "LoadBalancerSecurityGroup", new SecurityGroupProps
        {
            Vpc = props.Vpc,
            Description = "DICOM listeners: configured peer CIDRs only",
            AllowAllOutbound = false,
        });
        ServiceSecurityGroup = new SecurityGroup(this, "ServiceSecurityGroup", new SecurityGroupProps
        {
            Vpc = props.Vpc,
            Description = "Gateway tasks: DICOM from peers (client IP preserved) and load balancer health checks; HTTPS out",
            AllowAllOutbound = false,
        });
        ServiceSecurityGroup.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(443), "AWS APIs (S3, DynamoDB, ECR, CloudWatch)");
        ServiceSecurityGroup.AddIngressRule(LoadBalancerSecurityGroup, Port.Tcp(props.DicomPort), "load balancer health checks");
        LoadBalancerSecurityGroup.AddEgressRule(ServiceSecurityGroup, Port.Tcp(props.DicomPort), "to the Gateway tasks");

        var listenerPorts = ListenerPorts(props);
        foreach (var cidr in props.AllowedPeerCidrs)
        {
            foreach (var port in listenerPorts)
            {
                LoadBalancerSecurityGroup.AddIngressRule(Peer.Ipv4(cidr), Port.Tcp(port), $"DICOM peer {cidr}");
            }
            ServiceSecurityGroup.AddIngressRule(Peer.Ipv4(cidr), Port.Tcp(props.DicomPort), $"DICOM peer {cidr} (client IP preserved)");
        }

        Service = new FargateService(this, "Service", new FargateServiceProps
        {
            Cluster = Cluster,
            TaskDefinition = TaskDefinition,
            // No DesiredCount: ECS sets it only at creation and auto-scaling owns it afterwards, so a deploy does not
            // reset a scaled-out service (the scalable target's minimum raises a new service to minTaskCount).
            MinHealthyPercent = 100,
            MaxHealthyPercent = 200,
            AssignPublicIp = false,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            SecurityGroups = [ServiceSecurityGroup],
            CircuitBreaker = new DeploymentCircuitBreaker { Rollback = true },
            HealthCheckGracePeriod = Duration.Seconds(60),
        });

        LoadBalancer = new NetworkLoadBalancer(this, "LoadBalancer", new NetworkLoadBalancerProps
        {
            Vpc = props.Vpc,
            InternetFacing = props.InternetFacing,
            VpcSubnets = new SubnetSelection { SubnetType = props.InternetFacing ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS },
            CrossZoneEnabled = true,
            SecurityGroups = [LoadBalancerSecurityGroup],
        });

        TargetGroup = new NetworkTargetGroup(this, "Targets", new NetworkTargetGroupProps
        {
            Vpc = props.Vpc,
            Port = props.DicomPort,
            Protocol = Protocol.TCP,
            TargetType = TargetType.IP,
            PreserveClientIp = true,
            DeregistrationDelay = Duration.Seconds(props.StopTimeoutSeconds),
            HealthCheck = new Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck
            {
                Protocol = Protocol.TCP,
                Port = props.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Interval = Duration.Seconds(10),
                HealthyThresholdCount = 2,
                UnhealthyThresholdCount = 2,
            },
        });
        TargetGroup.SetAttribute("stickiness.enabled", "false");
        TargetGroup.SetAttribute("deregistration_delay.connection_termination.enabled", "false");
        Service.AttachToNetworkTargetGroup(TargetGroup);

        if (props.CleartextListener)
        {
            LoadBalancer.AddListener("Dicom", new BaseNetworkListenerProps
            {
                Port = props.DicomPort,
                Protocol = Protocol.TCP,
                DefaultTargetGroups = [TargetGroup],
            });
        }
        if (props.TlsCertificateArn.Length > 0)
        {
            LoadBalancer.AddListener("DicomTls", new BaseNetworkListenerProps
            {
                Port = props.TlsPort,
                Protocol = Protocol.TLS,
                Certificates = [ListenerCertificate.FromCertificateManager(Certificate.FromCertificateArn(this, "TlsCertificate", props.TlsCertificateArn))],
                SslPolicy = SslPolicy.RECOMMENDED_TLS,
                DefaultTargetGroups = [TargetGroup],
            });
        }

        Scaling = Service.AutoScaleTaskCount(new EnableScalingProps
        {
            MinCapacity = props.MinTaskCount,
            MaxCapacity = props.MaxTaskCount,
        });
        Scaling.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps
        {
            TargetUtilizationPercent = 50,
            ScaleInCooldown = Duration.Seconds(60),
            ScaleOutCooldown = Duration.Seconds(60),
        });
    }

    public Cluster Cluster { get; }

    public FargateTaskDefinition TaskDefinition { get; }

    public ContainerDefinition Container { get; }

    public FargateService Service { get; }

    public NetworkLoadBalancer LoadBalancer { get; }

    public NetworkTargetGroup TargetGroup { get; }

    public SecurityGroup LoadBalancerSecurityGroup { get; }

    public SecurityGroup ServiceSecurityGroup { get; }

    public ScalableTaskCount Scaling { get; }

    public LogGroup LogGroup { get; }

    public LogGroup MetricsLogGroup { get; }

    /// <summary>The role the Gateway's AWS adapters run as; grant data access to it.</summary>
    public Amazon.CDK.AWS.IAM.IRole TaskRole => TaskDefinition.TaskRole;

    /// <summary>The NLB's listener ports: the cleartext DICOM port when asked for (always without TLS), and the TLS port.</summary>
    public static IReadOnlyList<int> ListenerPorts(GatewayServiceProps props)
    {
        var ports = new List<int>();
        if (props.CleartextListener)
        {
            ports.Add(props.DicomPort);
        }
        if (props.TlsCertificateArn.Length > 0)
        {
            ports.Add(props.TlsPort);
        }
        return ports;
    }

    private static LinuxParameters DropAllCapabilities(Construct scope, string id)
    {
        var parameters = new LinuxParameters(scope, id);
        parameters.DropCapabilities(Capability.ALL);
        return parameters;
    }

    /// <summary>
    /// AWS Distro for OpenTelemetry collector: scrape the Gateway's Prometheus endpoint and write the metrics as
    /// CloudWatch embedded metric format into <paramref name="logGroupName"/>, namespace <see cref="MetricsNamespace"/>:
    /// each <c>gateway_*</c> metric without dimensions (the rollup) and by its <c>status</c> or <c>outcome</c> label.
    /// </summary>
    private static string CollectorConfig(int httpPort, string logGroupName, string region) => $$"""
        receivers:
          prometheus:
            config:
              scrape_configs:
                - job_name: imaging-gateway
                  scrape_interval: 30s
                  metrics_path: /metrics
                  static_configs:
                    - targets: ["127.0.0.1:{{httpPort}}"]
        exporters:
          awsemf:
            namespace: {{MetricsNamespace}}
            log_group_name: "{{logGroupName}}"
            log_stream_name: "{TaskId}"
            region: "{{region}}"
            dimension_rollup_option: ZeroAndSingleDimensionRollup
            metric_declarations:
              - dimensions: [[status], [outcome]]
                metric_name_selectors: ["^gateway_"]
        service:
          pipelines:
            metrics:
              receivers: [prometheus]
              exporters: [awsemf]
        """;
}
