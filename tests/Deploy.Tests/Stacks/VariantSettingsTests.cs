namespace ImagingGateway.Deploy.Tests.Stacks;

/// <summary>Issue #23 items 6, 7 and 10 where they need settings the other apps do not use.</summary>
[Collection(VariantAppCollection.Name)]
public sealed class VariantSettingsTests(VariantApp app)
{
    [Fact]
    public void GivenPrivateEcrImage_WhenReadingTheExecutionRole_ThenItMayPullFromThatRepository()
    {
        var task = app.Single("AWS::ECS::TaskDefinition").Props();
        var statements = app.StatementsOfRole(task.GetProperty("ExecutionRoleArn").Target()!);
        var pull = Assert.Single(statements, s => s.GetProperty("Action").Strings().Contains("ecr:BatchGetImage"));
        Assert.Contains("ecr:GetDownloadUrlForLayer", pull.GetProperty("Action").Strings());
        Assert.Equal("arn:aws:ecr:eu-west-1:111122223333:repository/imaging/gateway", Assert.Single(pull.GetProperty("Resource").Strings()));
        Assert.Contains(statements, s => s.GetProperty("Action").Strings().Contains("ecr:GetAuthorizationToken"));
        var gateway = task.GetProperty("ContainerDefinitions").EnumerateArray().Single(c => c.GetProperty("Name").GetString() == "Gateway");
        Assert.Equal("111122223333.dkr.ecr.eu-west-1.<AWS::URLSuffix>/imaging/gateway:1.4.2", gateway.GetProperty("Image").JoinText());
    }

    [Fact]
    public void GivenThreeExplicitZones_WhenReadingSubnets_ThenEachTierSpansAllThree()
    {
        var zones = app.Resources("AWS::EC2::Subnet").Select(s => s.Resource.Props().GetProperty("AvailabilityZone").GetString()).ToList();
        Assert.Equal(6, zones.Count);
        Assert.Equal(VariantApp.Zones, zones.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(3, app.Resources("AWS::EC2::NatGateway").Count);
    }

    [Fact]
    public void GivenTlsAndCleartextAskedFor_WhenReadingListeners_ThenBothExistOnTheInternalLoadBalancer()
    {
        var ports = app.Resources("AWS::ElasticLoadBalancingV2::Listener")
            .Select(l => (l.Resource.Props().GetProperty("Port").GetInt32(), l.Resource.Props().GetProperty("Protocol").GetString())).ToHashSet();
        Assert.Equal(new HashSet<(int, string?)> { (11112, "TCP"), (2762, "TLS") }, ports);
        Assert.Equal("internal", app.Single("AWS::ElasticLoadBalancingV2::LoadBalancer").Props().GetProperty("Scheme").GetString());
    }
}
