using Amazon.CDK.Assertions;

namespace ImagingGateway.Deploy.Tests.Stacks;

/// <summary>The topology at a glance: how many of each resource the stack creates, and the key property of each.</summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class ImagingGatewayStackTests(ConfiguredApp app)
{
    [Theory]
    [InlineData("AWS::EC2::VPC", 1)]
    [InlineData("AWS::EC2::Subnet", 4)]
    [InlineData("AWS::EC2::NatGateway", 2)]
    [InlineData("AWS::EC2::FlowLog", 1)]
    [InlineData("AWS::EC2::NetworkAcl", 2)]
    [InlineData("AWS::EC2::VPCEndpoint", 2)]
    [InlineData("AWS::ElasticLoadBalancingV2::LoadBalancer", 1)]
    [InlineData("AWS::ElasticLoadBalancingV2::Listener", 1)]
    [InlineData("AWS::ElasticLoadBalancingV2::TargetGroup", 1)]
    [InlineData("AWS::ECS::Cluster", 1)]
    [InlineData("AWS::ECS::Service", 1)]
    [InlineData("AWS::ECS::TaskDefinition", 1)]
    [InlineData("AWS::ApplicationAutoScaling::ScalingPolicy", 1)]
    [InlineData("AWS::S3::Bucket", 3)]
    [InlineData("AWS::DynamoDB::Table", 3)]
    [InlineData("AWS::HealthImaging::Datastore", 1)]
    [InlineData("AWS::StepFunctions::StateMachine", 1)]
    [InlineData("AWS::CloudWatch::Dashboard", 1)]
    [InlineData("AWS::CloudWatch::Alarm", 6)]
    [InlineData("AWS::SQS::Queue", 1)]
    [InlineData("AWS::SNS::Topic", 1)]
    public void GivenStack_WhenCountingResources_ThenTheDocumentedTopologyIsPresent(string type, int count)
    {
        app.Template.ResourceCountIs(type, count);
    }

    [Fact]
    public void GivenStack_WhenMatchingKeyProperties_ThenTheTemplateMatches()
    {
        var template = app.Template;
        template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["KeySchema"] = new object[] { new Dictionary<string, object> { ["AttributeName"] = "jobId", ["KeyType"] = "HASH" } },
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
        });
        template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["KeySchema"] = new object[] { new Dictionary<string, object> { ["AttributeName"] = "sopInstanceUID", ["KeyType"] = "HASH" } },
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
        });
        template.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 2762,
            ["Protocol"] = "TLS",
        });
        template.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object>
        {
            ["HealthCheckProtocol"] = "TCP",
            ["TargetGroupAttributes"] = Match.ArrayWith(new object[]
            {
                new Dictionary<string, object> { ["Key"] = "preserve_client_ip.enabled", ["Value"] = "true" },
            }),
        });
        template.HasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", new Dictionary<string, object>
        {
            ["TargetTrackingScalingPolicyConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["TargetValue"] = 50,
                ["ScaleInCooldown"] = 60,
                ["ScaleOutCooldown"] = 60,
            }),
        });
        template.HasResourceProperties("AWS::Lambda::Function", new Dictionary<string, object>
        {
            ["Runtime"] = "dotnet10",
            ["Handler"] = "ImagingGateway.Lambda::ImagingGateway.Lambda.TriggerImport.TriggerImportFunction::HandleAsync",
        });
        template.HasResource("AWS::HealthImaging::Datastore", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
        });
        template.AllResourcesProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object>
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
        });
        template.AllResourcesProperties("AWS::Logs::LogGroup", new Dictionary<string, object> { ["RetentionInDays"] = 180 });
    }

    [Fact]
    public void GivenStack_WhenMatchingAWrongProperty_ThenTheTemplateAssertionFails()
    {
        // The assertions above can fail: a mismatching expectation throws.
        Assert.ThrowsAny<Exception>(() => app.Template.HasResourceProperties("AWS::DynamoDB::Table",
            new Dictionary<string, object> { ["BillingMode"] = "PROVISIONED" }));
    }
}
