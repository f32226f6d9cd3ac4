using System.Diagnostics;
using System.Text.Json;

namespace ImagingGateway.Deploy.Tests;

/// <summary>
/// The operator's path: <c>cdk synth</c> from deploy/ with the CLI version the project pins, using cdk.json, offline
/// (no AWS credentials, no Docker, notices and version checks off).
/// </summary>
public sealed class CdkCliSynthTests
{
    [Fact]
    public async Task GivenDeployFolder_WhenRunningCdkSynthOffline_ThenTheStackTemplateIsWritten()
    {
        var root = FindRoot();
        var cli = Path.Combine(root, "tests", "tools", "cdk", "node_modules", ".bin", "cdk");
        Assert.True(File.Exists(cli), $"aws-cdk CLI missing at {cli}: run tests/setup.d/30-cdk.sh");
        var work = Directory.CreateTempSubdirectory("cdk-cli-synth-").FullName;
        try
        {
            var lambda = Directory.CreateDirectory(Path.Combine(work, "lambda")).FullName;
            File.WriteAllText(Path.Combine(lambda, "placeholder.txt"), "publish output");
            var output = Path.Combine(work, "cdk.out");
            var start = new ProcessStartInfo(cli,
                ["synth", "--quiet", "--no-notices", "--no-version-reporting", "--output", output,
                 "--context", $"lambdaCodePath={lambda}", "--context", "allowedPeerCidrs=198.51.100.0/24"])
            {
                WorkingDirectory = Path.Combine(root, "deploy"),
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
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("cdk synth did not finish within 5 minutes");
            }
            Assert.True(process.ExitCode == 0, $"cdk synth exited {process.ExitCode}\n{await stdout}\n{await stderr}");

            using var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "ImagingGateway.template.json")));
            var types = template.RootElement.GetProperty("Resources").EnumerateObject()
                .Select(r => r.Value.GetProperty("Type").GetString()).ToHashSet();
            Assert.Contains("AWS::HealthImaging::Datastore", types);
            Assert.Contains("AWS::StepFunctions::StateMachine", types);
            Assert.Contains("AWS::ECS::Service", types);
            // The CLI path used cdk.json's context (the peer came from the command line on top of it).
            Assert.Contains("198.51.100.0/24", template.RootElement.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string FindRoot()
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
}
