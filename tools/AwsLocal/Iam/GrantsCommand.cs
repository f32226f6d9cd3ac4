using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Iam;

/// <summary>
/// <c>grants [--run-dir DIR]</c>: after a run, prints each AWS call the template's policies do not grant and each
/// grant no call used, per principal. Exit code 1 when a call was not granted.
/// </summary>
public static class GrantsCommand
{
    public static int Run(string runDirectory, TextWriter output)
    {
        var audit = new GrantAudit(JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, "principals.json")))!.AsObject());
        // The harness's own calls (creating the table, the tests' reads) are signed as run.json's principal, not a role of the template.
        var run = Path.Combine(runDirectory, "run.json");
        var harness = File.Exists(run) ? (string?)JsonNode.Parse(File.ReadAllText(run))!["sessionToken"] : null;
        var requests = GrantAudit.ReadRequests(Path.Combine(runDirectory, "requests.jsonl")).Where(r => r.Principal != harness).ToList();
        var ungranted = audit.Ungranted(requests);
        foreach (var request in ungranted)
        {
            output.WriteLine($"NOT GRANTED  {request.Principal}: {request.Action} on {request.Resource}");
        }

        foreach (var principal in audit.Principals.Order(StringComparer.Ordinal))
        {
            foreach (var grant in audit.Unused(principal, requests))
            {
                output.WriteLine($"unused       {principal}: {grant}");
            }
        }

        output.WriteLine($"{requests.Count} calls, {ungranted.Count} not granted");
        return ungranted.Count == 0 ? 0 : 1;
    }
}
