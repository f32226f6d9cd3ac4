using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>
/// Resolves CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Fn::If,
/// Fn::Equals/And/Or/Not, Fn::FindInMap, Fn::Base64, Fn::GetAZs) and pseudo parameters to the values a deployment of
/// the stack would give, with deterministic physical names where CloudFormation would generate them
/// (<c>{stack}-{logicalId}-{hash}</c>, as it does, but with a hash of the logical id instead of a random suffix).
/// </summary>
public sealed partial class IntrinsicResolver
{
    public const string Region = "eu-west-1";
    public const string AccountId = "111122223333";
    public const string Partition = "aws";
    public const string UrlSuffix = "amazonaws.com";

    private readonly JsonObject _template;
    private readonly string _stackName;

    public IntrinsicResolver(JsonObject template, string stackName)
    {
        _template = template;
        _stackName = stackName;
    }

    public JsonObject Resources => _template["Resources"]!.AsObject();

    public string TypeOf(string logicalId) => (string)Resources[logicalId]!["Type"]!;

    /// <summary>A deep copy of <paramref name="node"/> with every intrinsic function replaced by its value.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    var value = Resolve(item);
                    if (!IsNoValue(item))
                    {
                        items.Add(value);
                    }
                }
                return items;
            case JsonObject obj when obj.Count == 1 && IsIntrinsic(obj.First().Key):
                return Evaluate(obj.First().Key, obj.First().Value);
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (!IsNoValue(value))
                    {
                        result[key] = Resolve(value);
                    }
                }
                return result;
            default:
                return node.DeepClone();
        }
    }

    public string ResolveString(JsonNode? node) => Text(Resolve(node));

    /// <summary>What <c>Ref</c> returns for a resource (a name, id or ARN, by type).</summary>
    public string RefOf(string logicalId)
    {
        if (!Resources.ContainsKey(logicalId))
        {
            return Parameter(logicalId);
        }
        var props = Resources[logicalId]!["Properties"] as JsonObject ?? [];
        return TypeOf(logicalId) switch
        {
            "AWS::S3::Bucket" => Named(props, "BucketName", logicalId, 63).ToLowerInvariant(),
            "AWS::DynamoDB::Table" => Named(props, "TableName", logicalId, 255),
            "AWS::Lambda::Function" => Named(props, "FunctionName", logicalId, 64),
            "AWS::IAM::Role" => Named(props, "RoleName", logicalId, 64),
            "AWS::IAM::ManagedPolicy" => $"arn:{Partition}:iam::{AccountId}:policy/{Named(props, "ManagedPolicyName", logicalId, 128)}",
            "AWS::StepFunctions::StateMachine" => $"arn:{Partition}:states:{Region}:{AccountId}:stateMachine:{Named(props, "StateMachineName", logicalId, 80)}",
            "AWS::HealthImaging::Datastore" => DatastoreId(logicalId),
            "AWS::SQS::Queue" => $"https://sqs.{Region}.{UrlSuffix}/{AccountId}/{Named(props, "QueueName", logicalId, 80)}",
            "AWS::SNS::Topic" => $"arn:{Partition}:sns:{Region}:{AccountId}:{Named(props, "TopicName", logicalId, 256)}",
            "AWS::Logs::LogGroup" => Named(props, "LogGroupName", logicalId, 512),
            "AWS::ECS::TaskDefinition" => $"arn:{Partition}:ecs:{Region}:{AccountId}:task-definition/{_stackName}{logicalId}:1",
            "AWS::KMS::Key" => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(logicalId))).ToString(),
            _ => Named(props, "Name", logicalId, 128),
        };
    }

    /// <summary>What <c>Fn::GetAtt</c> returns for a resource attribute.</summary>
    public string AttributeOf(string logicalId, string attribute)
    {
        var type = TypeOf(logicalId);
        var reference = RefOf(logicalId);
        return (type, attribute) switch
        {
            ("AWS::S3::Bucket", "Arn") => $"arn:{Partition}:s3:::{reference}",
            ("AWS::S3::Bucket", "DomainName") => $"{reference}.s3.{UrlSuffix}",
            ("AWS::S3::Bucket", "RegionalDomainName") => $"{reference}.s3.{Region}.{UrlSuffix}",
            ("AWS::DynamoDB::Table", "Arn") => $"arn:{Partition}:dynamodb:{Region}:{AccountId}:table/{reference}",
            ("AWS::DynamoDB::Table", "StreamArn") => $"arn:{Partition}:dynamodb:{Region}:{AccountId}:table/{reference}/stream/1970-01-01T00:00:00.000",
            ("AWS::Lambda::Function", "Arn") => $"arn:{Partition}:lambda:{Region}:{AccountId}:function:{reference}",
            ("AWS::IAM::Role", "Arn") => $"arn:{Partition}:iam::{AccountId}:role/{reference}",
            ("AWS::IAM::Role", "RoleId") => "AROA" + Hash(logicalId, 17).ToUpperInvariant(),
            ("AWS::StepFunctions::StateMachine", "Arn") => reference,
            ("AWS::StepFunctions::StateMachine", "Name") => reference[(reference.LastIndexOf(':') + 1)..],
            ("AWS::HealthImaging::Datastore", "DatastoreId") => reference,
            ("AWS::HealthImaging::Datastore", "DatastoreArn") => $"arn:{Partition}:medical-imaging:{Region}:{AccountId}:datastore/{reference}",
            ("AWS::SQS::Queue", "Arn") => $"arn:{Partition}:sqs:{Region}:{AccountId}:{reference[(reference.LastIndexOf('/') + 1)..]}",
            ("AWS::SQS::Queue", "QueueName") => reference[(reference.LastIndexOf('/') + 1)..],
            ("AWS::SQS::Queue", "QueueUrl") => reference,
            ("AWS::SNS::Topic", "TopicArn") => reference,
            ("AWS::SNS::Topic", "TopicName") => reference[(reference.LastIndexOf(':') + 1)..],
            ("AWS::Logs::LogGroup", "Arn") => $"arn:{Partition}:logs:{Region}:{AccountId}:log-group:{reference}:*",
            ("AWS::KMS::Key", "Arn") => $"arn:{Partition}:kms:{Region}:{AccountId}:key/{reference}",
            ("AWS::Events::Rule", "Arn") => $"arn:{Partition}:events:{Region}:{AccountId}:rule/{reference}",
            ("AWS::ECS::Cluster", "Arn") => $"arn:{Partition}:ecs:{Region}:{AccountId}:cluster/{reference}",
            _ => $"{logicalId}.{attribute}",
        };
    }

    /// <summary>The logical id of the resource whose Ref or Arn attribute is <paramref name="value"/>, if any.</summary>
    public string? LogicalIdOf(string value, string type) =>
        Resources.Select(r => r.Key)
            .Where(id => TypeOf(id) == type)
            .FirstOrDefault(id => RefOf(id) == value || AttributeOf(id, "Arn") == value);

    private static bool IsIntrinsic(string key) => key == "Ref" || key == "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private static bool IsNoValue(JsonNode? node) =>
        node is JsonObject { Count: 1 } o && o["Ref"] is JsonValue v && v.TryGetValue<string>(out var s) && s == "AWS::NoValue";

    private JsonNode? Evaluate(string function, JsonNode? argument)
    {
        switch (function)
        {
            case "Ref":
                return Pseudo((string)argument!) ?? RefOf((string)argument!);
            case "Fn::GetAtt":
                var (id, attribute) = argument is JsonArray a
                    ? ((string)a[0]!, ResolveString(a[1]))
                    : SplitAttribute((string)argument!);
                return AttributeOf(id, attribute);
            case "Fn::Join":
                var join = argument!.AsArray();
                var parts = Resolve(join[1])!.AsArray();
                return string.Join((string)join[0]!, parts.Select(Text));
            case "Fn::Select":
                var select = argument!.AsArray();
                var index = int.Parse(ResolveString(select[0]), CultureInfo.InvariantCulture);
                return Resolve(select[1])!.AsArray()[index]?.DeepClone();
            case "Fn::Split":
                var split = argument!.AsArray();
                return new JsonArray(ResolveString(split[1]).Split((string)split[0]!).Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
            case "Fn::Sub":
                return Substitute(argument!);
            case "Fn::Base64":
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(ResolveString(argument)));
            case "Fn::GetAZs":
                return new JsonArray($"{Region}a", $"{Region}b", $"{Region}c");
            case "Fn::FindInMap":
                var map = argument!.AsArray();
                return Resolve(_template["Mappings"]![ResolveString(map[0])]![ResolveString(map[1])]![ResolveString(map[2])]);
            case "Fn::If":
                var branches = argument!.AsArray();
                return Resolve(Condition((string)branches[0]!) ? branches[1] : branches[2]);
            case "Fn::Equals":
                var equals = argument!.AsArray();
                return JsonNode.DeepEquals(Resolve(equals[0]), Resolve(equals[1]));
            case "Fn::Not":
                return !Truth(argument!.AsArray()[0]);
            case "Fn::And":
                return argument!.AsArray().All(Truth);
            case "Fn::Or":
                return argument!.AsArray().Any(Truth);
            case "Condition":
                return Condition((string)argument!);
            default:
                throw new NotSupportedException($"{function} is not resolved locally");
        }
    }

    private bool Truth(JsonNode? node) => Resolve(node) is JsonValue v && v.GetValue<bool>();

    private bool Condition(string name) => Truth(_template["Conditions"]![name]);

    private static (string, string) SplitAttribute(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return (value[..dot], value[(dot + 1)..]);
    }

    private string Substitute(JsonNode argument)
    {
        var (text, variables) = argument is JsonArray a
            ? ((string)a[0]!, a[1]!.AsObject().ToDictionary(p => p.Key, p => ResolveString(p.Value)))
            : ((string)argument!, new Dictionary<string, string>());
        return SubVariable().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            if (name.StartsWith('!'))
            {
                return "${" + name[1..] + "}";
            }
            if (variables.TryGetValue(name, out var value))
            {
                return value;
            }
            if (Pseudo(name) is { } pseudo)
            {
                return pseudo;
            }
            return name.Contains('.', StringComparison.Ordinal) ? AttributeOf(name[..name.IndexOf('.', StringComparison.Ordinal)], name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..]) : RefOf(name);
        });
    }

    private string? Pseudo(string name) => name switch
    {
        "AWS::Region" => Region,
        "AWS::AccountId" => AccountId,
        "AWS::Partition" => Partition,
        "AWS::URLSuffix" => UrlSuffix,
        "AWS::StackName" => _stackName,
        "AWS::StackId" => $"arn:{Partition}:cloudformation:{Region}:{AccountId}:stack/{_stackName}/{new Guid(MD5.HashData(Encoding.UTF8.GetBytes(_stackName)))}",
        "AWS::NotificationARNs" => null,
        _ => null,
    };

    private string Parameter(string name)
    {
        var parameter = _template["Parameters"]?[name] ?? throw new InvalidOperationException($"Ref to unknown {name}");
        return (string?)parameter["Default"] ?? throw new InvalidOperationException($"parameter {name} has no default");
    }

    private string Named(JsonObject props, string nameProperty, string logicalId, int maxLength)
    {
        if (props[nameProperty] is { } explicitName)
        {
            return ResolveString(explicitName);
        }
        var suffix = Hash(logicalId, 12).ToUpperInvariant();
        var prefix = $"{_stackName}-{logicalId}";
        var room = maxLength - suffix.Length - 1;
        return (prefix.Length > room ? prefix[..room] : prefix) + "-" + suffix;
    }

    private static string DatastoreId(string logicalId) => Hash(logicalId, 32);

    private static string Hash(string value, int length) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..length];

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubVariable();
}
