using System.Net;
using System.Text.Json;

namespace ImagingGateway.Deploy.Tests.Stacks;

/// <summary>With nothing configured the app is closed: no peer can connect, no TLS listener appears.</summary>
[Collection(DefaultAppCollection.Name)]
public sealed class DefaultSettingsTests(DefaultApp app)
{
    [Fact]
    public void GivenNoPeers_WhenReadingSecurityGroups_ThenNoCidrMayReachTheDicomPort()
    {
        foreach (var (_, group) in app.Resources("AWS::EC2::SecurityGroup"))
        {
            Assert.Null(group.Props().Get("SecurityGroupIngress"));
        }
        var onlyRule = Assert.Single(app.Resources("AWS::EC2::SecurityGroupIngress")).Resource.Props();
        Assert.NotNull(onlyRule.Get("SourceSecurityGroupId"));
        Assert.Null(onlyRule.Get("CidrIp"));
    }

    [Fact]
    public void GivenNoPeers_WhenReadingTheNetworkAcls_ThenNoAllowRuleCoversTheDicomPortFromOutsideTheVpc()
    {
        var inboundAllows = app.Resources("AWS::EC2::NetworkAclEntry").Select(e => e.Resource.Props())
            .Where(p => !(p.Get("Egress")?.GetBoolean() ?? false) && p.GetProperty("RuleAction").GetString() == "allow")
            .Where(p => p.GetProperty("CidrBlock").ValueKind == JsonValueKind.String)
            .ToList();
        var denies = app.Resources("AWS::EC2::NetworkAclEntry").Select(e => e.Resource.Props())
            .Where(p => !(p.Get("Egress")?.GetBoolean() ?? false) && p.GetProperty("RuleAction").GetString() == "deny")
            .ToList();
        foreach (var allow in inboundAllows.Where(a => Covers(a, 11112)))
        {
            // Only the NAT reply range may include 11112, and a lower-numbered deny on the same ACL shadows it.
            Assert.Contains(denies, d =>
                d.GetProperty("NetworkAclId").Target() == allow.GetProperty("NetworkAclId").Target()
                && d.GetProperty("RuleNumber").GetInt32() < allow.GetProperty("RuleNumber").GetInt32()
                && d.GetProperty("CidrBlock").GetString() == "0.0.0.0/0"
                && Covers(d, 11112));
        }
        Assert.DoesNotContain(inboundAllows, a => a.GetProperty("CidrBlock").GetString() != "0.0.0.0/0"
            && !IPNetwork.Parse(a.GetProperty("CidrBlock").GetString()!).Contains(IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void GivenNoCertificate_WhenReadingListeners_ThenOnlyTheTcpDicomListenerExists()
    {
        var listener = app.Single("AWS::ElasticLoadBalancingV2::Listener").Props();
        Assert.Equal(11112, listener.GetProperty("Port").GetInt32());
        Assert.Equal("TCP", listener.GetProperty("Protocol").GetString());
    }

    [Fact]
    public void GivenDefaults_WhenReadingTheLoadBalancer_ThenItIsInternalInThePrivateSubnets()
    {
        // Issue #23 item 6: hospitals reach the Gateway over VPN or Direct Connect unless the deployer opts in.
        var nlb = app.Single("AWS::ElasticLoadBalancingV2::LoadBalancer").Props();
        Assert.Equal("internal", nlb.GetProperty("Scheme").GetString());
        var publicSubnets = app.Resources("AWS::EC2::Subnet")
            .Where(s => s.Resource.Props().Get("MapPublicIpOnLaunch")?.GetBoolean() ?? false).Select(s => s.Id).ToHashSet();
        Assert.All(nlb.GetProperty("Subnets").EnumerateArray(), s => Assert.DoesNotContain(s.Target()!, publicSubnets));
    }

    [Fact]
    public void GivenDefaults_WhenReadingTheService_ThenDesiredCountIsLeftToAutoScaling()
    {
        // Issue #23 item 5.
        Assert.Null(app.Single("AWS::ECS::Service").Props().Get("DesiredCount"));
        Assert.Equal(2, app.Single("AWS::ApplicationAutoScaling::ScalableTarget").Props().GetProperty("MinCapacity").GetInt32());
    }

    [Fact]
    public void GivenNoPeers_WhenSynthesizing_ThenTheAppWarnsThatNoPeerCanConnect()
    {
        Assert.Contains(app.Warnings, w => w.Contains("allowedPeerCidrs is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenDefaults_WhenReadingSizes_ThenTheCdkJsonDefaultsApply()
    {
        var task = app.Single("AWS::ECS::TaskDefinition").Props();
        Assert.Equal("1024", task.GetProperty("Cpu").GetString());
        Assert.Equal("2048", task.GetProperty("Memory").GetString());
        var target = app.Single("AWS::ApplicationAutoScaling::ScalableTarget").Props();
        Assert.Equal(2, target.GetProperty("MinCapacity").GetInt32());
        Assert.Equal(10, target.GetProperty("MaxCapacity").GetInt32());
        Assert.All(app.Resources("AWS::Logs::LogGroup"), g => Assert.Equal(365, g.Resource.Props().GetProperty("RetentionInDays").GetInt32()));
        Assert.Null(app.Resources("AWS::SNS::Subscription").FirstOrDefault().Id);
    }

    [Fact]
    public void GivenNoGatewayImage_WhenReadingTheContainer_ThenTheImageIsBuiltFromTheRepositoryAsAnAsset()
    {
        var gateway = app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("ContainerDefinitions").EnumerateArray()
            .Single(c => c.GetProperty("Name").GetString() == "Gateway");
        Assert.Contains("container-assets", gateway.GetProperty("Image").JoinText(), StringComparison.Ordinal);
        var environment = gateway.GetProperty("Environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("Name").GetString()!, e => e.GetProperty("Value").JoinText());
        Assert.Equal("PerCallingAeAndStudy", environment["GATEWAY__BATCHING__POLICY"]);
        Assert.Equal("00:00:30", environment["GATEWAY__BATCHING__QUIETPERIOD"]);
    }

    private static bool Covers(JsonElement entry, int port)
    {
        var protocol = entry.GetProperty("Protocol").GetInt32();
        if (protocol == -1)
        {
            return true;
        }
        if (protocol != 6)
        {
            return false;
        }
        var range = entry.GetProperty("PortRange");
        return range.GetProperty("From").GetInt32() <= port && port <= range.GetProperty("To").GetInt32();
    }
}
