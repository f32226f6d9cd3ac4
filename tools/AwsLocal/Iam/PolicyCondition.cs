using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Iam;

/// <summary>
/// One condition of a statement (operator, key, values). Only the operators the template uses are known; any other,
/// or a key the request does not carry, does not match, so a grant that depends on it is never taken as proven.
/// </summary>
public sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values)
{
    public static IReadOnlyList<PolicyCondition> Parse(JsonObject? condition) => condition is null
        ? []
        : [.. condition.SelectMany(op => (op.Value as JsonObject ?? []).Select(key => new PolicyCondition(
            op.Key,
            key.Key,
            key.Value is JsonArray array ? [.. array.Select(v => (string)v!)] : [(string)key.Value!])))];

    public bool IsSatisfiedBy(IReadOnlyDictionary<string, string> context)
    {
        if (!context.TryGetValue(Key, out var value))
        {
            return false;
        }

        return Operator switch
        {
            "StringEquals" => Values.Contains(value, StringComparer.Ordinal),
            "StringLike" => Values.Any(v => IamPattern.MatchesResource(v, value)),
            "ArnLike" or "ArnEquals" => Values.Any(v => IamPattern.MatchesResource(v, value)),
            _ => false,
        };
    }
}
