using System.Diagnostics;
using System.Text.Json;

namespace ImagingGateway.Deploy.Tests;

/// <summary>
/// The operator's path (issue #23 item 2): in a fresh copy of the repository's tracked files, the synth command that
/// docs/deploy.md documents runs twice in a row from deploy/ with the pinned CLI (cdk.json publishes the Lambda code
/// first), offline; after it, Deploy.Tests still builds although cdk.out now holds copies of the C# sources.
/// </summary>
public sealed class CdkCliSynthTests
{
    public const string Cli = "npx -y aws-cdk@2.1148.1";

    [Fact]
    public void GivenDocs_WhenReadingTheDeployCommands_ThenTheyCallThePinnedCliWithoutPrompting()
    {
        var root = FindRoot();
        foreach (var doc in new[] { "docs/deploy.md", "deploy/README.md" })
        {
            var text = File.ReadAllText(Path.Combine(root, doc));
            Assert.Contains(Cli + " synth", text, StringComparison.Ordinal);
            Assert.DoesNotContain("npx aws-cdk", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenFreshCopy_WhenRunningTheDocumentedSynthTwiceAndBuildingTheTests_ThenEachSucceeds()
    {
        var root = FindRoot();
        var cli = Path.Combine(root, "tests", "tools", "cdk", "node_modules", ".bin", "cdk");
        Assert.True(File.Exists(cli), $"aws-cdk CLI missing at {cli}: run tests/setup.d/30-cdk.sh");
        var synthLine = File.ReadAllLines(Path.Combine(root, "docs", "deploy.md")).Select(l => l.Trim())
            .First(l => l.StartsWith(Cli + " synth", StringComparison.Ordinal));
        var arguments = synthLine[(Cli.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var work = Directory.CreateTempSubdirectory("cdk-fresh-clone-").FullName;
        try
        {
            await CopyTrackedFilesAsync(root, work);
            var deploy = Path.Combine(work, "deploy");
            for (var run = 1; run <= 2; run++)
            {
                var (code, output) = await RunAsync(cli, [.. arguments, "--no-notices", "--no-version-reporting"], deploy, TimeSpan.FromMinutes(8));
                Assert.True(code == 0, $"synth #{run} exited {code}\n{output}");
                using var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(deploy, "cdk.out", "ImagingGateway.template.json")));
                var types = template.RootElement.GetProperty("Resources").EnumerateObject()
                    .Select(r => r.Value.GetProperty("Type").GetString()).ToHashSet();
                Assert.Contains("AWS::HealthImaging::Datastore", types);
                Assert.Contains("AWS::ECS::Service", types);
                Assert.Contains("198.51.100.0/24", template.RootElement.GetRawText(), StringComparison.Ordinal);
            }
            // The first synth copied the sources into cdk.out: the test project must still build beside them.
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(deploy, "cdk.out"), "*.cs", SearchOption.AllDirectories));
            var (buildCode, buildOutput) = await RunAsync("dotnet",
                ["build", Path.Combine(work, "tests", "Deploy.Tests", "Deploy.Tests.csproj"), "-c", "Release", "-nologo", "-clp:ErrorsOnly"],
                work, TimeSpan.FromMinutes(15));
            Assert.True(buildCode == 0, $"dotnet build tests/Deploy.Tests after synth exited {buildCode}\n{buildOutput}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImagingGateway.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>What a clone holds: the tracked files (as they are in the work tree), nothing built, no cdk.out.</summary>
    private static async Task CopyTrackedFilesAsync(string root, string target)
    {
        var (code, output) = await RunAsync("git", ["ls-files", "-z"], root, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, $"git ls-files exited {code}\n{output}");
        foreach (var file in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(root, file);
            if (!File.Exists(source))
            {
                continue; // deleted in the work tree
            }
            var destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }
        // The CLI the tests installed stands in for npx's download.
        Directory.CreateSymbolicLink(Path.Combine(target, "tests", "tools", "cdk"), Path.Combine(root, "tests", "tools", "cdk"));
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, string directory, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CDK_DISABLE_VERSION_CHECK"] = "1";
        start.Environment["CDK_DISABLE_CLI_TELEMETRY"] = "true";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', arguments)} did not finish within {limit}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
