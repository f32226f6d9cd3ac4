using System.Text.Json;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>What tests/tools/commitment-scu.js saw: its JSON lines (store, action, report, released, ...) and its exit code.</summary>
public sealed record DcmjsCommitmentRun(int ExitCode, IReadOnlyList<JsonElement> Lines, string Output)
{
    /// <summary>The N-EVENT-REPORT the SCU received on its own association, or a failure showing everything it printed.</summary>
    public JsonElement Report =>
        Lines.SingleOrDefault(l => l.TryGetProperty("report", out _)) is { ValueKind: JsonValueKind.Object } report
            ? report
            : throw new Xunit.Sdk.XunitException("the SCU got no N-EVENT-REPORT on its association:\n" + Output);
}

/// <summary>
/// dcmjs-dimse (npm, installed by tests/setup.d/20-npm-tools.sh) as a storage commitment SCU that is not ours: one
/// association carries the C-STOREs, the N-ACTION and, while the SCU keeps it open, the N-EVENT-REPORT.
/// </summary>
public static class DcmjsCommitmentScu
{
    public static async Task<DcmjsCommitmentRun> StoreAndCommitAsync(int port, IEnumerable<string> files, IEnumerable<string> alsoClassAndInstance, TimeSpan reportTimeout)
    {
        var script = Path.Combine(RepositoryPaths.Tools, "commitment-scu.js");
        if (!File.Exists(Path.Combine(RepositoryPaths.Tools, "node_modules", "dcmjs-dimse", "package.json")))
        {
            throw new InvalidOperationException("dcmjs-dimse is missing under tests/tools: run tests/setup.d/20-npm-tools.sh (test.sh runs it)");
        }

        var args = new List<string> { script, "127.0.0.1", port.ToString(), "DCMJSSCU", "IMAGINGGW", ((int)reportTimeout.TotalSeconds).ToString() };
        foreach (var also in alsoClassAndInstance)
        {
            args.AddRange(["--also", also]);
        }

        args.AddRange(files);
        var run = await ProcessRunner.RunAsync("node", args, reportTimeout + TimeSpan.FromSeconds(30));
        var lines = run.StdOut.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return new DcmjsCommitmentRun(run.ExitCode, lines, run.Output);
    }
}
