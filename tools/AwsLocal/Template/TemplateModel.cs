using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>
/// The synthesized template read as a deployment would see it: every value resolved (<see cref="IntrinsicResolver"/>).
/// Functions are found generically: every AWS::Lambda::Function whose handler is in the ImagingGateway.Lambda assembly.
/// </summary>
public sealed class TemplateModel
{
    public const string HandlerPrefix = "ImagingGateway.Lambda::";

    private readonly JsonObject _template;

    public TemplateModel(string templateJson, string stackName = TemplateSynthesizer.StackName)
    {
        _template = JsonNode.Parse(templateJson)!.AsObject();
        Resolver = new IntrinsicResolver(_template, stackName);
    }

    public IntrinsicResolver Resolver { get; }

    public IReadOnlyList<string> LogicalIds(string type) =>
        Resolver.Resources.Where(r => (string)r.Value!["Type"]! == type).Select(r => r.Key).ToList();

    /// <summary>The resolved Properties of a resource (an empty object if it has none).</summary>
    public JsonObject Properties(string logicalId) =>
        Resolver.Resolve(Resolver.Resources[logicalId]!["Properties"]) as JsonObject ?? [];

    public IReadOnlyList<LambdaFunctionSpec> Functions() =>
        LogicalIds("AWS::Lambda::Function")
            .Select(id => (Id: id, Props: Properties(id)))
            .Where(f => ((string?)f.Props["Handler"] ?? "").StartsWith(HandlerPrefix, StringComparison.Ordinal))
            .Select(f =>
            {
                var roleArn = (string)f.Props["Role"]!;
                var roleId = RoleLogicalId(roleArn);
                return new LambdaFunctionSpec(
                    f.Id,
                    Resolver.RefOf(f.Id),
                    Resolver.AttributeOf(f.Id, "Arn"),
                    (string)f.Props["Handler"]!,
                    Variables(f.Props["Environment"]?["Variables"] as JsonObject),
                    roleId,
                    roleArn,
                    PolicyStatements(roleId));
            })
            .ToList();

    public LambdaFunctionSpec Function(string handler) => Functions().Single(f => f.Handler == handler);

    /// <summary>The containers of every task definition (the Gateway's, the collector's ...).</summary>
    public IReadOnlyList<ContainerSpec> Containers() =>
        LogicalIds("AWS::ECS::TaskDefinition")
            .SelectMany(id =>
            {
                var props = Properties(id);
                var roleArn = (string)props["TaskRoleArn"]!;
                var roleId = RoleLogicalId(roleArn);
                var statements = PolicyStatements(roleId);
                return props["ContainerDefinitions"]!.AsArray().Select(c => new ContainerSpec(
                    id,
                    (string)c!["Name"]!,
                    (c["Environment"] as JsonArray ?? []).ToDictionary(e => (string)e!["Name"]!, e => (string)e!["Value"]!, StringComparer.Ordinal),
                    roleId,
                    roleArn,
                    statements));
            })
            .ToList();

    public IReadOnlyList<StateMachineSpec> StateMachines() =>
        LogicalIds("AWS::StepFunctions::StateMachine")
            .Select(id =>
            {
                var props = Properties(id);
                var definition = props["DefinitionString"] is { } text ? (string)text! : props["Definition"]!.ToJsonString();
                if (props["DefinitionSubstitutions"] is JsonObject substitutions)
                {
                    foreach (var (key, value) in substitutions)
                    {
                        definition = definition.Replace("${" + key + "}", (string)value!, StringComparison.Ordinal);
                    }
                }
                var roleArn = (string)props["RoleArn"]!;
                var roleId = RoleLogicalId(roleArn);
                return new StateMachineSpec(id, Resolver.RefOf(id), definition, roleId, roleArn, PolicyStatements(roleId));
            })
            .ToList();

    public IReadOnlyList<string> Buckets() => LogicalIds("AWS::S3::Bucket").Select(Resolver.RefOf).ToList();

    public IReadOnlyList<TableSpec> Tables() =>
        LogicalIds("AWS::DynamoDB::Table")
            .Select(id => new TableSpec(id, Resolver.RefOf(id), Resolver.AttributeOf(id, "Arn"), Properties(id)))
            .ToList();

    public IReadOnlyList<string> Datastores() => LogicalIds("AWS::HealthImaging::Datastore").Select(Resolver.RefOf).ToList();

    /// <summary>
    /// Lambda notifications of every bucket: the bucket's own NotificationConfiguration and the CDK's
    /// Custom::S3BucketNotifications resources (which set it at deploy time).
    /// </summary>
    public IReadOnlyList<BucketNotificationSpec> BucketNotifications()
    {
        var sources = LogicalIds("AWS::S3::Bucket")
            .Select(id => (Bucket: Resolver.RefOf(id), Config: Properties(id)["NotificationConfiguration"] as JsonObject))
            .Concat(LogicalIds("Custom::S3BucketNotifications")
                .Select(id => Properties(id))
                .Select(p => (Bucket: (string)p["BucketName"]!, Config: p["NotificationConfiguration"] as JsonObject)));
        return sources
            .Where(s => s.Config?["LambdaFunctionConfigurations"] is JsonArray)
            .SelectMany(s => s.Config!["LambdaFunctionConfigurations"]!.AsArray().Select(c =>
            {
                var rules = c!["Filter"]?["Key"]?["FilterRules"] as JsonArray ?? [];
                string Rule(string name) => rules.Where(r => string.Equals((string)r!["Name"]!, name, StringComparison.OrdinalIgnoreCase))
                    .Select(r => (string)r!["Value"]!).FirstOrDefault() ?? "";
                return new BucketNotificationSpec(
                    s.Bucket,
                    c["Events"]!.AsArray().Select(e => (string)e!).ToList(),
                    Rule("prefix"),
                    Rule("suffix"),
                    (string)c["LambdaFunctionArn"]!);
            }))
            .ToList();
    }

    public IReadOnlyList<EventRuleSpec> EventRules() =>
        LogicalIds("AWS::Events::Rule")
            .Select(id => (Id: id, Props: Properties(id)))
            .Where(r => r.Props["EventPattern"] is JsonObject && (string?)r.Props["State"] != "DISABLED")
            .Select(r => new EventRuleSpec(
                r.Id,
                r.Props["EventPattern"]!.AsObject(),
                (r.Props["Targets"] as JsonArray ?? []).Select(t => (string)t!["Arn"]!).ToList()))
            .ToList();

    /// <summary>
    /// Every statement a role's identity policies hold: AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources attached to
    /// it, and its inline Policies. Managed policies not defined in the template (AWS managed) are listed by
    /// <see cref="ManagedPolicyArns"/>, not expanded.
    /// </summary>
    public IReadOnlyList<JsonObject> PolicyStatements(string roleLogicalId)
    {
        var roleName = Resolver.RefOf(roleLogicalId);
        var attached = LogicalIds("AWS::IAM::Policy").Concat(LogicalIds("AWS::IAM::ManagedPolicy"))
            .Select(Properties)
            .Where(p => (p["Roles"] as JsonArray ?? []).Any(r => (string?)r == roleName))
            .Select(p => p["PolicyDocument"]!);
        var role = Properties(roleLogicalId);
        var inline = (role["Policies"] as JsonArray ?? []).Select(p => p!["PolicyDocument"]!);
        var managed = (role["ManagedPolicyArns"] as JsonArray ?? [])
            .Select(a => Resolver.LogicalIdOf((string)a!, "AWS::IAM::ManagedPolicy"))
            .OfType<string>()
            .Select(id => Properties(id)["PolicyDocument"]!);
        return attached.Concat(inline).Concat(managed)
            .SelectMany(d => d["Statement"] is JsonArray a ? a.Select(s => s!.AsObject()) : [d["Statement"]!.AsObject()])
            .ToList();
    }

    public IReadOnlyList<string> ManagedPolicyArns(string roleLogicalId) =>
        (Properties(roleLogicalId)["ManagedPolicyArns"] as JsonArray ?? []).Select(a => (string)a!).ToList();

    private string RoleLogicalId(string roleArn) =>
        Resolver.LogicalIdOf(roleArn, "AWS::IAM::Role") ?? throw new InvalidOperationException($"no role in the template has the ARN {roleArn}");

    private static Dictionary<string, string> Variables(JsonObject? variables) =>
        (variables ?? []).ToDictionary(v => v.Key, v => (string)v.Value!, StringComparer.Ordinal);
}
