using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal;

/// <summary>
/// <c>requests.jsonl</c> of a run: one line per AWS request, <c>{"principal": role logical id, "action": "service:Action",
/// "resource": ARN}</c>. The node emulators append to the same file (one write per line, O_APPEND).
/// </summary>
public sealed class RequestLog(string path)
{
    private readonly object _gate = new();

    public string Path { get; } = path;

    public void Append(string principal, string action, string resource)
    {
        var line = new JsonObject { ["principal"] = principal, ["action"] = action, ["resource"] = resource }.ToJsonString() + "\n";
        lock (_gate)
        {
            File.AppendAllText(Path, line);
        }
    }

    /// <summary>The principal of a request signed by tools/AwsLocal's credentials: its session token.</summary>
    public static string PrincipalOf(IEnumerable<KeyValuePair<string, string>> headers) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, "X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)).Value ?? "anonymous";
}
