using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task GivenAnEnvironmentVariableOfTheWrongType_WhenServing_ThenItExitsWith2NamingTheKey()
    {
        using var temp = new TempDirectory();
        var result = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "serve", "--data", temp.Path],
            TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["GATEWAY__MAXASSOCIATIONS"] = "many" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Gateway:MaxAssociations", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnInvalidAeTitleOnTheCommandLine_WhenServing_ThenItExitsWith2NamingTheKey()
    {
        using var temp = new TempDirectory();
        var result = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "serve", "--data", temp.Path, "--ae-title", "AN_AE_TITLE_TOO_LONG"],
            TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Gateway:AeTitle:", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenEachVerb_WhenAskedForHelp_ThenItDescribesItsKnobs()
    {
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["serve", "--help"], "--http-port"),
            (["echo", "--help"], "HOST"),
            (["send", "--help"], "--concurrency"),
            (["jobs", "list", "--help"], "--status"),
            (["jobs", "show", "--help"], "ID"),
        })
        {
            var result = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, .. args], TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains(expected, result.StdOut, StringComparison.Ordinal);
        }
    }
}
