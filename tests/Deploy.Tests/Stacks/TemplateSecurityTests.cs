using System.Text.Json;

namespace ImagingGateway.Deploy.Tests.Stacks;

/// <summary>Security properties that must hold over the whole synthesized template, whatever resource adds them.</summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class TemplateSecurityTests(ConfiguredApp app)
{
    /// <summary>Services that hold or move patient data: a "*" resource on them is never acceptable.</summary>
    private static readonly string[] DataServices = ["s3", "dynamodb", "medical-imaging", "states", "kms", "sqs", "sns", "lambda"];

    [Fact]
    public void GivenTemplate_WhenScanningIamStatements_ThenNoWildcardActionAndNoWildcardResourceOnDataServices()
    {
        var statements = AllStatements().ToList();
        Assert.NotEmpty(statements);
        foreach (var (owner, statement) in statements)
        {
            var actions = statement.GetProperty("Action").Strings().ToList();
            Assert.DoesNotContain("*", actions);
            Assert.DoesNotContain(actions, a => a.EndsWith(":*", StringComparison.Ordinal));
            var resources = statement.Get("Resource")?.Strings().ToList() ?? [];
            if (resources.Contains("*"))
            {
                var dataActions = actions.Where(a => DataServices.Contains(a.Split(':')[0])).ToList();
                Assert.True(dataActions.Count == 0, $"{owner}: {string.Join(", ", dataActions)} on \"*\"");
            }
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningBuckets_ThenEveryBucketIsEncryptedPrivateVersionedAndRetained()
    {
        var buckets = app.Resources("AWS::S3::Bucket");
        Assert.Equal(3, buckets.Count);
        foreach (var (id, bucket) in buckets)
        {
            var props = bucket.Props();
            var sse = props.GetProperty("BucketEncryption").GetProperty("ServerSideEncryptionConfiguration")[0];
            Assert.Equal("AES256", sse.GetProperty("ServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
            var block = props.GetProperty("PublicAccessBlockConfiguration");
            foreach (var flag in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
            {
                Assert.True(block.GetProperty(flag).GetBoolean(), $"{id}.{flag}");
            }
            Assert.Equal("Enabled", props.GetProperty("VersioningConfiguration").GetProperty("Status").GetString());
            Assert.Equal("Retain", bucket.GetProperty("DeletionPolicy").GetString());
            Assert.Equal("Retain", bucket.GetProperty("UpdateReplacePolicy").GetString());
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningBucketPolicies_ThenEveryBucketDeniesNonTlsAccess()
    {
        foreach (var (id, _) in app.Resources("AWS::S3::Bucket"))
        {
            var policy = Assert.Single(app.Resources("AWS::S3::BucketPolicy"), p => p.Resource.Props().GetProperty("Bucket").Target() == id).Resource;
            var statements = policy.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray().ToList();
            Assert.Contains(statements, s =>
                s.GetProperty("Effect").GetString() == "Deny"
                && s.GetProperty("Action").Strings().Contains("s3:*")
                && s.Get("Condition")?.Get("Bool")?.Get("aws:SecureTransport")?.GetString() == "false"
                && s.GetProperty("Resource").Items().Select(r => r.Target() ?? r.JoinText()).Any(r => r.Contains(id, StringComparison.Ordinal)));
            Assert.Contains(statements, s =>
                s.GetProperty("Effect").GetString() == "Deny"
                && s.Get("Condition")?.Get("NumericLessThan")?.Get("s3:TlsVersion") is not null);
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningQueues_ThenEveryQueueIsEncryptedAndDeniesNonTlsAccess()
    {
        var queues = app.Resources("AWS::SQS::Queue");
        Assert.NotEmpty(queues);
        foreach (var (id, queue) in queues)
        {
            Assert.True(queue.Props().Get("SqsManagedSseEnabled")?.GetBoolean() == true || queue.Props().Get("KmsMasterKeyId") is not null, id);
            var policy = Assert.Single(app.Resources("AWS::SQS::QueuePolicy"), p => p.Resource.Props().GetProperty("Queues").Items().Any(q => q.Target() == id)).Resource;
            Assert.Contains(policy.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray(), s =>
                s.GetProperty("Effect").GetString() == "Deny"
                && s.Get("Condition")?.Get("Bool")?.Get("aws:SecureTransport")?.GetString() == "false");
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningLogGroups_ThenEveryLogGroupHasRetentionAndIsRetained()
    {
        var groups = app.Resources("AWS::Logs::LogGroup");
        // flow logs, gateway, gateway metrics, state machine, four functions
        Assert.Equal(8, groups.Count);
        foreach (var (id, group) in groups)
        {
            Assert.True(group.Props().Get("RetentionInDays")?.GetInt32() == 180, $"{id} retention");
            Assert.Equal("Retain", group.GetProperty("DeletionPolicy").GetString());
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningFunctions_ThenEveryFunctionLogsToAGroupWithRetentionOrIsACdkProvider()
    {
        foreach (var (id, function) in app.Resources("AWS::Lambda::Function"))
        {
            var handler = function.Props().Get("Handler")?.GetString() ?? "";
            if (!handler.StartsWith("ImagingGateway.Lambda::", StringComparison.Ordinal))
            {
                continue; // CDK's own custom-resource providers (bucket notifications, default security group)
            }
            var group = function.Props().GetProperty("LoggingConfig").GetProperty("LogGroup").Target();
            Assert.True(group is not null, id);
            Assert.Equal("AWS::Logs::LogGroup", app.Json.RootElement.GetProperty("Resources").GetProperty(group!).GetProperty("Type").GetString());
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningPhysicalNames_ThenNoneIsHardCoded()
    {
        var nameProperties = new Dictionary<string, string>
        {
            ["AWS::S3::Bucket"] = "BucketName",
            ["AWS::DynamoDB::Table"] = "TableName",
            ["AWS::Lambda::Function"] = "FunctionName",
            ["AWS::StepFunctions::StateMachine"] = "StateMachineName",
            ["AWS::Logs::LogGroup"] = "LogGroupName",
            ["AWS::ECS::Cluster"] = "ClusterName",
            ["AWS::ECS::Service"] = "ServiceName",
            ["AWS::IAM::Role"] = "RoleName",
            ["AWS::ElasticLoadBalancingV2::LoadBalancer"] = "Name",
            ["AWS::HealthImaging::Datastore"] = "DatastoreName",
            ["AWS::SNS::Topic"] = "TopicName",
            ["AWS::SQS::Queue"] = "QueueName",
        };
        foreach (var (type, property) in nameProperties)
        {
            foreach (var (id, resource) in app.Resources(type))
            {
                Assert.True(resource.Props().Get(property) is null, $"{id} sets {property}");
            }
        }
    }

    [Fact]
    public void GivenTemplate_WhenScanningPatientDataStores_ThenEachIsRetainedAndEncrypted()
    {
        var tables = app.Resources("AWS::DynamoDB::Table");
        Assert.Equal(3, tables.Count);
        foreach (var (_, table) in tables)
        {
            Assert.Equal("Retain", table.GetProperty("DeletionPolicy").GetString());
            Assert.True(table.Props().GetProperty("SSESpecification").GetProperty("SSEEnabled").GetBoolean());
        }

        var datastore = app.Single("AWS::HealthImaging::Datastore");
        Assert.Equal("Retain", datastore.GetProperty("DeletionPolicy").GetString());
        var topic = app.Single("AWS::SNS::Topic");
        Assert.Equal(app.Resources("AWS::KMS::Key").Single().Id, topic.Props().GetProperty("KmsMasterKeyId").Target());
    }

    [Fact]
    public void GivenTemplate_WhenScanningSecurityGroups_ThenNothingIsOpenToTheWorldExceptHttpsOut()
    {
        foreach (var (id, group) in app.Resources("AWS::EC2::SecurityGroup"))
        {
            foreach (var rule in group.Props().Get("SecurityGroupIngress")?.EnumerateArray() ?? default)
            {
                Assert.NotEqual("0.0.0.0/0", rule.Get("CidrIp")?.GetString());
            }
            foreach (var rule in group.Props().Get("SecurityGroupEgress")?.EnumerateArray() ?? default)
            {
                if (rule.Get("CidrIp")?.GetString() == "0.0.0.0/0")
                {
                    Assert.True(rule.GetProperty("FromPort").GetInt32() == 443 && rule.GetProperty("ToPort").GetInt32() == 443, $"{id} egress {rule}");
                }
            }
        }
        foreach (var (id, rule) in app.Resources("AWS::EC2::SecurityGroupIngress"))
        {
            Assert.NotEqual("0.0.0.0/0", rule.Props().Get("CidrIp")?.GetString());
            Assert.True(rule.Props().Get("SourceSecurityGroupId") is not null || rule.Props().Get("CidrIp") is not null, id);
        }
    }

    private IEnumerable<(string Owner, JsonElement Statement)> AllStatements()
    {
        foreach (var (id, policy) in app.Resources("AWS::IAM::Policy"))
        {
            foreach (var statement in policy.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
            {
                yield return (id, statement);
            }
        }
        foreach (var (id, role) in app.Resources("AWS::IAM::Role"))
        {
            foreach (var inline in role.Props().Get("Policies")?.EnumerateArray() ?? default)
            {
                foreach (var statement in inline.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
                {
                    yield return (id, statement);
                }
            }
        }
    }
}
