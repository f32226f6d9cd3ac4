using System.Diagnostics;

namespace ImagingGateway.Tools.AwsLocal.Tests.Iam;

/// <summary>The tool's <c>grants --run-dir DIR</c>, run as docs/aws.md shows, with its exit code and its lines.</summary>
public sealed record GrantsCommandRun(int ExitCode, IReadOnlyList<string> Lines)
{
    public IReadOnlyList<string> NotGranted => [.. Lines.Where(l => l.StartsWith("NOT GRANTED", StringComparison.Ordinal))];

    /// <summary>Each unused grant as <c>principal: action on resource</c>.</summary>
    public IReadOnlyList<string> Unused => [.. Lines.Where(l => l.StartsWith("unused", StringComparison.Ordinal)).Select(l => l["unused".Length..].Trim())];

    public static async Task<GrantsCommandRun> RunAsync(string root, string runDirectory)
    {
        var tool = Path.Combine(root, "tools", "AwsLocal", "bin", AwsLocalRun.Configuration, "net10.0", "ImagingGateway.AwsLocal.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { tool, "grants", "--run-dir", runDirectory })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (await output + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new GrantsCommandRun(process.ExitCode, lines);
    }
}
