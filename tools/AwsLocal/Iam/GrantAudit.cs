using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Iam;

/// <summary>
/// Checks the calls a run made (<c>requests.jsonl</c>) against each principal's identity policy from the template
/// (<c>principals.json</c>): every call must be allowed by an Allow statement and denied by none, and every granted
/// action that no call used is listed, so that a grant no code path needs can be found and removed.
/// </summary>
public sealed class GrantAudit
{
    private readonly Dictionary<string, IReadOnlyList<PolicyStatement>> _policies;

    public GrantAudit(JsonObject principals)
    {
        _policies = principals.ToDictionary(
            p => p.Key,
            p => (IReadOnlyList<PolicyStatement>)[.. (p.Value!["statements"] as JsonArray ?? []).Select(s => PolicyStatement.Parse(s!.AsObject()))],
            StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Principals => _policies.Keys;

    public static IReadOnlyList<AwsRequest> ReadRequests(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())
            .Select(o => new AwsRequest((string)o["principal"]!, (string)o["action"]!, (string)o["resource"]!))];

    /// <summary>The requests no statement of their principal allows (or one denies); a principal unknown to the template allows nothing.</summary>
    public IReadOnlyList<AwsRequest> Ungranted(IEnumerable<AwsRequest> requests) =>
        [.. requests.Distinct().Where(r => !IsAllowed(r))];

    public bool IsAllowed(AwsRequest request)
    {
        if (!_policies.TryGetValue(request.Principal, out var statements))
        {
            return false;
        }

        var matching = statements.Where(s => s.Matches(request.Action, request.Resource, request.Context)).ToList();
        return matching.Any(s => s.Allow) && !matching.Any(s => !s.Allow);
    }

    /// <summary>
    /// Each (action pattern, resource pattern) an Allow statement of <paramref name="principal"/> grants that no request
    /// of the run matched, as <c>action on resource</c>.
    /// </summary>
    public IReadOnlyList<string> Unused(string principal, IEnumerable<AwsRequest> requests)
    {
        var own = requests.Where(r => r.Principal == principal).ToList();
        var unused = new List<string>();
        foreach (var statement in _policies.GetValueOrDefault(principal, []).Where(s => s.Allow))
        {
            foreach (var action in statement.Actions)
            {
                foreach (var resource in statement.Resources)
                {
                    if (!own.Any(r => IamPattern.MatchesAction(action, r.Action) && IamPattern.MatchesResource(resource, r.Resource)))
                    {
                        unused.Add($"{action} on {resource}");
                    }
                }
            }
        }

        return [.. unused.Distinct(StringComparer.Ordinal)];
    }
}
