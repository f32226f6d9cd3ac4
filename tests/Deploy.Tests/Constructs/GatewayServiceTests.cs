using System.Text.Json;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class GatewayServiceTests(ConfiguredApp app)
{
    [Fact]
    public void GivenLoadBalancer_WhenReadingIt_ThenItIsANetworkLoadBalancerInPublicSubnetsWithCrossZone()
    {
        var nlb = app.Single("AWS::ElasticLoadBalancingV2::LoadBalancer").Props();
        Assert.Equal("network", nlb.GetProperty("Type").GetString());
        Assert.Equal("internet-facing", nlb.GetProperty("Scheme").GetString());
        Assert.Contains(Attributes(nlb.GetProperty("LoadBalancerAttributes")), a => a == ("load_balancing.cross_zone.enabled", "true"));
        var publicSubnets = app.Resources("AWS::EC2::Subnet")
            .Where(s => s.Resource.Props().Get("MapPublicIpOnLaunch")?.GetBoolean() ?? false).Select(s => s.Id).ToHashSet();
        Assert.All(nlb.GetProperty("Subnets").EnumerateArray(), s => Assert.Contains(s.Target()!, publicSubnets));
        Assert.Single(nlb.GetProperty("SecurityGroups").EnumerateArray());
    }

    [Fact]
    public void GivenTlsCertificate_WhenReadingListeners_ThenOnlyTheTlsListenerForwardsToTheTargetGroup()
    {
        // Issue #23 item 6: with TLS on, the cleartext listener is off unless cleartextListener asks for it.
        var tls = Assert.Single(app.Resources("AWS::ElasticLoadBalancingV2::Listener")).Resource.Props();
        Assert.Equal(2762, tls.GetProperty("Port").GetInt32());
        Assert.Equal("TLS", tls.GetProperty("Protocol").GetString());
        Assert.Equal(ConfiguredApp.CertificateArn, tls.GetProperty("Certificates")[0].GetProperty("CertificateArn").GetString());
        Assert.StartsWith("ELBSecurityPolicy-TLS13", tls.GetProperty("SslPolicy").GetString(), StringComparison.Ordinal);
        var targetGroup = app.Resources("AWS::ElasticLoadBalancingV2::TargetGroup").Single().Id;
        Assert.Equal(targetGroup, tls.GetProperty("DefaultActions")[0].GetProperty("TargetGroupArn").Target());
    }

    [Fact]
    public void GivenTargetGroup_WhenReadingIt_ThenTcpHealthCheckClientIpPreservedNoStickinessAndDrainTime()
    {
        var group = app.Single("AWS::ElasticLoadBalancingV2::TargetGroup").Props();
        Assert.Equal("TCP", group.GetProperty("Protocol").GetString());
        Assert.Equal(11112, group.GetProperty("Port").GetInt32());
        Assert.Equal("ip", group.GetProperty("TargetType").GetString());
        Assert.Equal("TCP", group.GetProperty("HealthCheckProtocol").GetString());
        var attributes = Attributes(group.GetProperty("TargetGroupAttributes")).ToList();
        Assert.Contains(("preserve_client_ip.enabled", "true"), attributes);
        Assert.Contains(("stickiness.enabled", "false"), attributes);
        Assert.Contains(("deregistration_delay.timeout_seconds", "120"), attributes);
    }

    [Fact]
    public void GivenTaskDefinition_WhenReadingSizes_ThenCpuAndMemoryComeFromTheParameters()
    {
        var task = app.Single("AWS::ECS::TaskDefinition").Props();
        Assert.Equal("2048", task.GetProperty("Cpu").GetString());
        Assert.Equal("4096", task.GetProperty("Memory").GetString());
        Assert.Equal("awsvpc", task.GetProperty("NetworkMode").GetString());
        Assert.Contains("FARGATE", task.GetProperty("RequiresCompatibilities").Strings());
    }

    [Fact]
    public void GivenGatewayContainer_WhenReadingIt_ThenItUsesTheAwsAdaptersAndDrainsGracefully()
    {
        var container = GatewayContainer();
        var environment = container.GetProperty("Environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("Name").GetString()!, e => e.GetProperty("Value"));
        Assert.Equal("S3", environment["GATEWAY__ADAPTERS__STORAGE"].GetString());
        Assert.Equal("DynamoDb", environment["GATEWAY__ADAPTERS__JOBS"].GetString());
        Assert.Equal("StepFunctions", environment["GATEWAY__ADAPTERS__WORKFLOW"].GetString());
        Assert.Equal("HealthImaging", environment["GATEWAY__ADAPTERS__IMAGING"].GetString());
        Assert.Equal("PerInstance", environment["GATEWAY__BATCHING__POLICY"].GetString());
        var resources = app.Json.RootElement.GetProperty("Resources");
        Assert.Equal("AWS::S3::Bucket", TypeOf(environment["GATEWAY__AWS__DICOMBUCKET"]));
        Assert.Equal("AWS::S3::Bucket", TypeOf(environment["GATEWAY__AWS__RESULTSBUCKET"]));
        Assert.NotEqual(environment["GATEWAY__AWS__DICOMBUCKET"].Target(), environment["GATEWAY__AWS__RESULTSBUCKET"].Target());
        Assert.Equal("AWS::DynamoDB::Table", TypeOf(environment["GATEWAY__AWS__JOBTABLE"]));
        Assert.Equal(app.Table("jobId").Id, environment["GATEWAY__AWS__JOBTABLE"].Target());
        Assert.Equal(app.Table("sopInstanceUID").Id, environment["GATEWAY__AWS__INSTANCETABLE"].Target());
        Assert.Equal(app.Table("transactionUID").Id, environment["GATEWAY__AWS__COMMITMENTTABLE"].Target());
        Assert.Equal("AWS::StepFunctions::StateMachine", TypeOf(environment["GATEWAY__AWS__STATEMACHINEARN"]));
        Assert.Equal("AWS::HealthImaging::Datastore", TypeOf(environment["GATEWAY__AWS__DATASTOREID"]));
        Assert.Equal("DatastoreId", environment["GATEWAY__AWS__DATASTOREID"].GetProperty("Fn::GetAtt")[1].GetString());
        Assert.Equal("AWS::IAM::Role", TypeOf(environment["GATEWAY__AWS__DATAACCESSROLEARN"]));
        Assert.Equal("AWS::Region", environment["GATEWAY__AWS__REGION"].Target());
        Assert.True(container.GetProperty("Essential").GetBoolean());
        var ports = container.GetProperty("PortMappings").EnumerateArray().Select(p => p.GetProperty("ContainerPort").GetInt32()).ToList();
        Assert.Contains(11112, ports);
        var healthCheck = container.GetProperty("HealthCheck").GetProperty("Command").Strings().ToList();
        Assert.Equal("CMD-SHELL", healthCheck[0]);
        Assert.Contains("/dev/tcp/127.0.0.1/11112", healthCheck[1], StringComparison.Ordinal);
        Assert.Equal("awslogs", container.GetProperty("LogConfiguration").GetProperty("LogDriver").GetString());

        string? TypeOf(JsonElement reference) => resources.GetProperty(reference.Target()!).GetProperty("Type").GetString();
    }

    [Fact]
    public void GivenMetricsCollector_WhenReadingIt_ThenItScrapesTheGatewayIntoTheImagingGatewayNamespace()
    {
        var containers = app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("ContainerDefinitions").EnumerateArray().ToList();
        var collector = Assert.Single(containers, c => c.GetProperty("Name").GetString() == "MetricsCollector");
        Assert.False(collector.GetProperty("Essential").GetBoolean());
        var config = collector.GetProperty("Environment").EnumerateArray()
            .Single(e => e.GetProperty("Name").GetString() == "AOT_CONFIG_CONTENT").GetProperty("Value").JoinText();
        Assert.Contains("127.0.0.1:8080", config, StringComparison.Ordinal);
        Assert.Contains("metrics_path: /metrics", config, StringComparison.Ordinal);
        Assert.Contains("namespace: ImagingGateway", config, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenService_WhenReadingIt_ThenFargateTasksRunInPrivateSubnetsWithoutPublicIps()
    {
        var service = app.Single("AWS::ECS::Service").Props();
        Assert.Equal("FARGATE", service.GetProperty("LaunchType").GetString());
        // Issue #23 item 5: no DesiredCount, so a deploy never resets what auto-scaling chose.
        Assert.Null(service.Get("DesiredCount"));
        var vpcConfig = service.GetProperty("NetworkConfiguration").GetProperty("AwsvpcConfiguration");
        Assert.Equal("DISABLED", vpcConfig.GetProperty("AssignPublicIp").GetString());
        var privateSubnets = app.Resources("AWS::EC2::Subnet")
            .Where(s => !(s.Resource.Props().Get("MapPublicIpOnLaunch")?.GetBoolean() ?? false)).Select(s => s.Id).ToHashSet();
        Assert.All(vpcConfig.GetProperty("Subnets").EnumerateArray(), s => Assert.Contains(s.Target()!, privateSubnets));
        Assert.True(service.GetProperty("DeploymentConfiguration").GetProperty("DeploymentCircuitBreaker").GetProperty("Rollback").GetBoolean());
        Assert.Equal(11112, service.GetProperty("LoadBalancers")[0].GetProperty("ContainerPort").GetInt32());
    }

    [Fact]
    public void GivenAutoScaling_WhenReadingIt_ThenItTracksCpuAtFiftyPercentWithSixtySecondCooldowns()
    {
        var target = app.Single("AWS::ApplicationAutoScaling::ScalableTarget").Props();
        Assert.Equal(3, target.GetProperty("MinCapacity").GetInt32());
        Assert.Equal(12, target.GetProperty("MaxCapacity").GetInt32());
        Assert.Equal("ecs:service:DesiredCount", target.GetProperty("ScalableDimension").GetString());
        var policy = app.Single("AWS::ApplicationAutoScaling::ScalingPolicy").Props();
        Assert.Equal("TargetTrackingScaling", policy.GetProperty("PolicyType").GetString());
        var tracking = policy.GetProperty("TargetTrackingScalingPolicyConfiguration");
        Assert.Equal(50, tracking.GetProperty("TargetValue").GetDouble());
        Assert.Equal(60, tracking.GetProperty("ScaleInCooldown").GetInt32());
        Assert.Equal(60, tracking.GetProperty("ScaleOutCooldown").GetInt32());
        Assert.Equal("ECSServiceAverageCPUUtilization",
            tracking.GetProperty("PredefinedMetricSpecification").GetProperty("PredefinedMetricType").GetString());
    }

    [Fact]
    public void GivenSecurityGroups_WhenReadingIngress_ThenTheDicomPortsAdmitOnlyPeersAndTheLoadBalancer()
    {
        var groups = app.Resources("AWS::EC2::SecurityGroup").Where(g => g.Resource.Props().Get("VpcId") is not null).ToList();
        var loadBalancerGroup = app.Single("AWS::ElasticLoadBalancingV2::LoadBalancer").Props().GetProperty("SecurityGroups")[0].Target();
        var lbIngress = groups.Single(g => g.Id == loadBalancerGroup).Resource.Props().GetProperty("SecurityGroupIngress").EnumerateArray()
            .Select(r => (r.GetProperty("CidrIp").GetString(), r.GetProperty("FromPort").GetInt32())).ToHashSet();
        Assert.Equal(new HashSet<(string?, int)> { (ConfiguredApp.PeerA, 2762), (ConfiguredApp.PeerB, 2762) }, lbIngress);

        var serviceGroup = app.Single("AWS::ECS::Service").Props().GetProperty("NetworkConfiguration").GetProperty("AwsvpcConfiguration")
            .GetProperty("SecurityGroups")[0].Target();
        var serviceIngress = groups.Single(g => g.Id == serviceGroup).Resource.Props().GetProperty("SecurityGroupIngress").EnumerateArray()
            .Select(r => (r.GetProperty("CidrIp").GetString(), r.GetProperty("FromPort").GetInt32())).ToHashSet();
        Assert.Equal(new HashSet<(string?, int)> { (ConfiguredApp.PeerA, 11112), (ConfiguredApp.PeerB, 11112) }, serviceIngress);
        var fromLoadBalancer = Assert.Single(app.Resources("AWS::EC2::SecurityGroupIngress")).Resource.Props();
        Assert.Equal(loadBalancerGroup, fromLoadBalancer.GetProperty("SourceSecurityGroupId").Target());
        Assert.Equal(serviceGroup, fromLoadBalancer.GetProperty("GroupId").Target());
        Assert.Equal(11112, fromLoadBalancer.GetProperty("FromPort").GetInt32());
    }

    [Fact]
    public void GivenGatewayTaskRole_WhenReadingItsPolicy_ThenItMayPutAndReadTheDicomBucketDeleteOnlyOpenBatchMarkersAndReadJobsOnly()
    {
        var taskRole = app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("TaskRoleArn").Target()!;
        var statements = app.StatementsOfRole(taskRole);
        var actions = statements.Actions();
        Assert.Contains("s3:PutObject", actions);
        Assert.Contains("s3:GetObject", actions);
        Assert.Contains("s3:ListBucket", actions);
        // Issue #23 item 7: instances, manifests and versions stay; the only delete is of open-batch markers (issue #27).
        Assert.DoesNotContain(actions, a => a.StartsWith("s3:DeleteObjectVersion", StringComparison.Ordinal) || a == "s3:*" || a == "s3:PutLifecycleConfiguration");
        var delete = Assert.Single(statements, s => s.GetProperty("Action").Strings().Any(a => a.StartsWith("s3:Delete", StringComparison.Ordinal)));
        Assert.Equal(["s3:DeleteObject"], delete.GetProperty("Action").Strings());
        Assert.EndsWith("/open-batches/*", delete.GetProperty("Resource").JoinText(), StringComparison.Ordinal);
        Assert.Contains("s3:AbortMultipartUpload", actions);
        Assert.Contains("dynamodb:Query", actions);
        Assert.DoesNotContain(actions, a => a is "dynamodb:DeleteItem" or "dynamodb:BatchWriteItem" or "dynamodb:Scan" or "dynamodb:*");
        // Jobs are read, and updated only to record a delivered storage commitment report; the received-instance index is
        // written (a closed batch, a commitment report) and read (the instance API); storage commitment requests are
        // recorded, claimed, replaced and listed when due, never deleted.
        var jobs = app.Table("jobId").Id;
        var instances = app.Table("sopInstanceUID").Id;
        var commitments = app.Table("transactionUID").Id;
        Assert.Equal(
            new[]
            {
                $"dynamodb:GetItem on <{commitments}>",
                $"dynamodb:PutItem on <{commitments}>",
                $"dynamodb:Query on <{commitments}>/index/byDue",
                $"dynamodb:UpdateItem on <{commitments}>",
                $"dynamodb:GetItem on <{instances}>",
                $"dynamodb:GetItem on <{jobs}>",
                $"dynamodb:PutItem on <{instances}>",
                $"dynamodb:Query on <{instances}>/index/byStudy",
                $"dynamodb:Query on <{jobs}>/index/byStatus",
                $"dynamodb:Query on <{jobs}>/index/byStudy",
                $"dynamodb:UpdateItem on <{instances}>",
                $"dynamodb:UpdateItem on <{jobs}>",
            }.Order(StringComparer.Ordinal),
            statements.Grants().Where(g => g.StartsWith("dynamodb:", StringComparison.Ordinal)));
        Assert.DoesNotContain(actions, a => a.StartsWith("states:", StringComparison.Ordinal) || a.StartsWith("medical-imaging:", StringComparison.Ordinal));
        var buckets = app.Resources("AWS::S3::Bucket").Select(b => b.Id).ToList();
        var dicomBucket = GatewayEnvironment("GATEWAY__AWS__DICOMBUCKET").Target();
        var resultsBucket = GatewayEnvironment("GATEWAY__AWS__RESULTSBUCKET").Target();
        foreach (var statement in statements.Where(s => s.GetProperty("Action").Strings().Any(a => a.StartsWith("s3:", StringComparison.Ordinal))))
        {
            // The results bucket only for reading a job's failure.ndjson (POST /api/jobs/{jobId}/retry).
            var readOnly = statement.GetProperty("Action").Strings().All(a => a.StartsWith("s3:Get", StringComparison.Ordinal) || a.StartsWith("s3:List", StringComparison.Ordinal));
            Assert.All(statement.ResourceTargets(), id => Assert.True(id == dicomBucket || (readOnly && id == resultsBucket), $"{id} in {statement}"));
        }
        // Only the metrics collector's log group besides the data services.
        Assert.All(actions.Where(a => !a.StartsWith("s3:", StringComparison.Ordinal) && !a.StartsWith("dynamodb:", StringComparison.Ordinal)),
            a => Assert.Contains(a, new[] { "logs:CreateLogStream", "logs:PutLogEvents" }));
        Assert.Equal(3, buckets.Count);
    }

    [Fact]
    public void GivenGatewayContainer_WhenReadingItsHardening_ThenRootIsReadOnlyOnlyTheDataAndTempVolumesAreWritableAndNoCapabilityIsKept()
    {
        var container = GatewayContainer();
        Assert.True(container.GetProperty("ReadonlyRootFilesystem").GetBoolean());
        Assert.Equal(["ALL"], container.GetProperty("LinuxParameters").GetProperty("Capabilities").GetProperty("Drop").Strings());
        var mounts = container.GetProperty("MountPoints").EnumerateArray()
            .ToDictionary(m => m.GetProperty("ContainerPath").GetString()!, m => m.GetProperty("SourceVolume").GetString()!);
        Assert.Equal(["/data", "/tmp"], mounts.Keys.Order(StringComparer.Ordinal));
        var volumes = app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("Volumes").EnumerateArray()
            .Select(v => v.GetProperty("Name").GetString()).ToHashSet();
        Assert.All(mounts.Values, v => Assert.Contains(v, volumes));
        Assert.Equal("/data", GatewayEnvironment("GATEWAY__DATADIRECTORY").GetString());
    }

    [Fact]
    public void GivenStopTimeout_WhenReadingTheTask_ThenTheGatewayGracePeriodAndTheDeregistrationDelayFollowIt()
    {
        var container = GatewayContainer();
        var stop = container.GetProperty("StopTimeout").GetInt32();
        Assert.Equal(120, stop);
        var grace = TimeSpan.Parse(GatewayEnvironment("GATEWAY__SHUTDOWNGRACEPERIOD").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // The host waits the grace period plus its margin (GatewayHost's ShutdownTimeout); ECS must not kill it sooner.
        Assert.Equal(stop, (int)grace.TotalSeconds + ImagingGateway.Deploy.Constructs.GatewayService.ShutdownMarginSeconds);
        var attributes = Attributes(app.Single("AWS::ElasticLoadBalancingV2::TargetGroup").Props().GetProperty("TargetGroupAttributes")).ToList();
        Assert.Contains(("deregistration_delay.timeout_seconds", stop.ToString(System.Globalization.CultureInfo.InvariantCulture)), attributes);
    }

    private JsonElement GatewayContainer() =>
        app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("ContainerDefinitions").EnumerateArray()
            .Single(c => c.GetProperty("Name").GetString() == "Gateway");

    private JsonElement GatewayEnvironment(string name) =>
        GatewayContainer().GetProperty("Environment").EnumerateArray().Single(e => e.GetProperty("Name").GetString() == name).GetProperty("Value");

    private static IEnumerable<(string, string)> Attributes(JsonElement list) =>
        list.EnumerateArray().Select(a => (a.GetProperty("Key").GetString()!, a.GetProperty("Value").GetString()!));
}
