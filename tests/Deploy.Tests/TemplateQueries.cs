using System.Text.Json;

namespace ImagingGateway.Deploy.Tests;

/// <summary>Small readers over the synthesized CloudFormation JSON.</summary>
public static class TemplateQueries
{
    private static readonly JsonElement NoProperties = JsonDocument.Parse("{}").RootElement.Clone();

    public static JsonElement Props(this JsonElement resource) =>
        resource.TryGetProperty("Properties", out var properties) ? properties : NoProperties;

    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The logical id a <c>Ref</c> or <c>Fn::GetAtt</c> points at; null for anything else.</summary>
    public static string? Target(this JsonElement reference) =>
        reference.Get("Ref")?.GetString() ?? reference.Get("Fn::GetAtt")?[0].GetString();

    /// <summary>One element or each element of an array.</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [element];

    public static IEnumerable<string> Strings(this JsonElement element) =>
        element.Items().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!);

    /// <summary>The logical id of the function whose handler is <paramref name="handler"/>.</summary>
    public static string FunctionId(this SynthesizedApp app, string handler) =>
        Assert.Single(app.Resources("AWS::Lambda::Function"), f => f.Resource.Props().Get("Handler")?.GetString() == handler).Id;

    /// <summary>The DynamoDB table whose partition key is <paramref name="partitionKey"/>: (logical id, resource).</summary>
    public static (string Id, JsonElement Resource) Table(this SynthesizedApp app, string partitionKey) =>
        Assert.Single(app.Resources("AWS::DynamoDB::Table"), t => t.Resource.Props().GetProperty("KeySchema").EnumerateArray()
            .Any(k => k.GetProperty("KeyType").GetString() == "HASH" && k.GetProperty("AttributeName").GetString() == partitionKey));

    /// <summary>Every IAM statement attached (as an AWS::IAM::Policy) to the role with this logical id.</summary>
    public static IReadOnlyList<JsonElement> StatementsOfRole(this SynthesizedApp app, string roleId) =>
        app.Resources("AWS::IAM::Policy")
            .Where(p => p.Resource.Props().GetProperty("Roles").Items().Any(r => r.Target() == roleId))
            .SelectMany(p => p.Resource.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
            .ToList();

    public static IReadOnlyList<JsonElement> StatementsOfFunction(this SynthesizedApp app, string handler)
    {
        var function = app.Json.RootElement.GetProperty("Resources").GetProperty(app.FunctionId(handler));
        return app.StatementsOfRole(function.Props().GetProperty("Role").Target()!);
    }

    public static IReadOnlyList<string> Actions(this IEnumerable<JsonElement> statements) =>
        statements.SelectMany(s => s.GetProperty("Action").Strings()).ToList();

    /// <summary>Each (action, resource) an Allow statement grants, the resource as <see cref="JoinText"/> writes it.</summary>
    public static IReadOnlyList<string> Grants(this IEnumerable<JsonElement> statements) =>
        statements.Where(s => s.Get("Effect")?.GetString() != "Deny")
            .SelectMany(s => s.GetProperty("Action").Strings().SelectMany(a => s.GetProperty("Resource").Items().Select(r => $"{a} on {r.JoinText()}")))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The logical ids a statement's resources point at (through Ref, GetAtt or a Join around one).</summary>
    public static IReadOnlyList<string> ResourceTargets(this JsonElement statement) =>
        statement.GetProperty("Resource").Items().Select(ReferencedId).OfType<string>().ToList();

    private static string? ReferencedId(JsonElement resource)
    {
        if (resource.Target() is { } direct)
        {
            return direct;
        }
        var join = resource.Get("Fn::Join");
        return join?[1].EnumerateArray().Select(part => part.Target()).FirstOrDefault(id => id is not null);
    }

    /// <summary>The text of a <c>Fn::Join</c> with every token replaced by <c>&lt;logicalId&gt;</c>.</summary>
    public static string JoinText(this JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }
        if (value.Get("Fn::Join") is { } join)
        {
            var separator = join[0].GetString();
            return string.Join(separator, join[1].EnumerateArray().Select(JoinText));
        }
        return value.Target() is { } id ? $"<{id}>" : value.GetRawText();
    }
}
