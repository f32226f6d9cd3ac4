using System.Text.Json;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class GatewayNetworkTests(ConfiguredApp app)
{
    [Fact]
    public void GivenVpc_WhenCountingSubnets_ThenPublicAndPrivateSubnetsSpanTwoZonesWithNat()
    {
        var subnets = app.Resources("AWS::EC2::Subnet");
        Assert.Equal(4, subnets.Count);
        var isPublic = subnets.Select(s => s.Resource.Props().Get("MapPublicIpOnLaunch")?.GetBoolean() ?? false).ToList();
        Assert.Equal(2, isPublic.Count(p => p));
        Assert.Equal(2, isPublic.Count(p => !p));
        var zones = subnets.Select(s => s.Resource.Props().GetProperty("AvailabilityZone").GetRawText()).Distinct().ToList();
        Assert.Equal(2, zones.Count);
        Assert.Equal(2, app.Resources("AWS::EC2::NatGateway").Count);
        Assert.Single(app.Resources("AWS::EC2::InternetGateway"));
    }

    [Fact]
    public void GivenVpc_WhenReadingFlowLogs_ThenAllTrafficGoesToALogGroupWithRetention()
    {
        var flowLog = app.Single("AWS::EC2::FlowLog").Props();
        Assert.Equal("ALL", flowLog.GetProperty("TrafficType").GetString());
        Assert.Equal("cloud-watch-logs", flowLog.GetProperty("LogDestinationType").GetString());
        Assert.Equal("VPC", flowLog.GetProperty("ResourceType").GetString());
        var group = app.Json.RootElement.GetProperty("Resources").GetProperty(flowLog.GetProperty("LogGroupName").Target()!);
        Assert.Equal(180, group.Props().GetProperty("RetentionInDays").GetInt32());
    }

    [Fact]
    public void GivenVpc_WhenReadingEndpoints_ThenS3AndDynamoDbUseGatewayEndpoints()
    {
        var services = app.Resources("AWS::EC2::VPCEndpoint")
            .Select(e => e.Resource.Props().GetProperty("ServiceName").JoinText())
            .ToList();
        Assert.Equal(2, services.Count);
        Assert.Contains(services, s => s.EndsWith(".s3", StringComparison.Ordinal));
        Assert.Contains(services, s => s.EndsWith(".dynamodb", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenNetworkAcls_WhenCounting_ThenEachTierHasItsOwnAclOnBothSubnets()
    {
        var acls = app.Resources("AWS::EC2::NetworkAcl");
        Assert.Equal(2, acls.Count);
        var associations = app.Resources("AWS::EC2::SubnetNetworkAclAssociation")
            .GroupBy(a => a.Resource.Props().GetProperty("NetworkAclId").Target())
            .ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(2, associations.Count);
        Assert.All(associations.Values, count => Assert.Equal(2, count));
    }

    [Fact]
    public void GivenPublicAcl_WhenEvaluatingInboundDicomTraffic_ThenOnlyPeersAreAdmitted()
    {
        var entries = InboundEntries(PublicAclId());
        // With TLS configured there is no cleartext listener, so 2762 is the only listener port.
        foreach (var port in new[] { 2762 })
        {
            Assert.Equal("allow", FirstMatch(entries, ConfiguredApp.PeerA.Split('/')[0], port));
            Assert.Equal("allow", FirstMatch(entries, ConfiguredApp.PeerB.Split('/')[0], port));
            Assert.Equal("deny", FirstMatch(entries, "192.0.2.44", port));
        }
        // Replies to NAT traffic are still admitted.
        Assert.Equal("allow", FirstMatch(entries, "192.0.2.44", 40000));
    }

    [Fact]
    public void GivenPrivateAcl_WhenEvaluatingInboundTraffic_ThenTheDicomPortIsOpenOnlyToPeersAndTheVpc()
    {
        var entries = InboundEntries(PrivateAclId());
        Assert.Equal("allow", FirstMatch(entries, "198.51.100.20", 11112));
        Assert.Equal("allow", FirstMatch(entries, "10.0.1.9", 11112)); // load balancer health checks
        Assert.Equal("deny", FirstMatch(entries, "192.0.2.44", 11112));
        Assert.Equal("deny", FirstMatch(entries, "192.0.2.44", 22));
        Assert.Equal("allow", FirstMatch(entries, "192.0.2.44", 45000)); // replies to the task's HTTPS calls
    }

    private string PublicAclId() => AclOf(publicSubnets: true);

    private string PrivateAclId() => AclOf(publicSubnets: false);

    private string AclOf(bool publicSubnets)
    {
        var subnets = app.Resources("AWS::EC2::Subnet")
            .Where(s => (s.Resource.Props().Get("MapPublicIpOnLaunch")?.GetBoolean() ?? false) == publicSubnets)
            .Select(s => s.Id)
            .ToHashSet();
        return app.Resources("AWS::EC2::SubnetNetworkAclAssociation")
            .Where(a => subnets.Contains(a.Resource.Props().GetProperty("SubnetId").Target()!))
            .Select(a => a.Resource.Props().GetProperty("NetworkAclId").Target()!)
            .Distinct()
            .Single();
    }

    private List<JsonElement> InboundEntries(string aclId) =>
        app.Resources("AWS::EC2::NetworkAclEntry")
            .Select(e => e.Resource.Props())
            .Where(p => p.GetProperty("NetworkAclId").Target() == aclId && !(p.Get("Egress")?.GetBoolean() ?? false))
            .OrderBy(p => p.GetProperty("RuleNumber").GetInt32())
            .ToList();

    /// <summary>NACL semantics: the lowest-numbered matching rule decides; no match is denied.</summary>
    private static string FirstMatch(List<JsonElement> entries, string sourceIp, int port)
    {
        foreach (var entry in entries)
        {
            var cidr = entry.GetProperty("CidrBlock");
            if (cidr.ValueKind != JsonValueKind.String)
            {
                // The VPC CIDR is a token; this template's VPC is 10.0.0.0/16.
                if (!sourceIp.StartsWith("10.0.", StringComparison.Ordinal))
                {
                    continue;
                }
            }
            else if (!System.Net.IPNetwork.Parse(cidr.GetString()!).Contains(System.Net.IPAddress.Parse(sourceIp)))
            {
                continue;
            }
            var protocol = entry.GetProperty("Protocol").GetInt32();
            if (protocol == 6 && entry.Get("PortRange") is { } range
                && (port < range.GetProperty("From").GetInt32() || port > range.GetProperty("To").GetInt32()))
            {
                continue;
            }
            if (protocol is not (6 or -1))
            {
                continue;
            }
            return entry.GetProperty("RuleAction").GetString()!;
        }
        return "deny";
    }
}
