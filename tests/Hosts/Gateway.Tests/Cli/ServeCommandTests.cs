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
    public async Task GivenTheDicomPortServedByAnotherGateway_WhenASecondOneStarts_ThenItExitsWith3NamingThePortAndTheFirstKeepsEveryAssociation()
    {
        using var temp = new TempDirectory();
        await using var first = await GatewayProcess.StartAsync(temp.Sub("first"));
        var httpPort = FreePorts.Take(1)[0];

        var second = await ProcessRunner.RunAsync("dotnet",
            [GatewayProcess.DllPath, "serve", "--port", first.Port.ToString(), "--http-port", httpPort.ToString(), "--data", temp.Sub("second")],
            TimeSpan.FromSeconds(60));

        Assert.Equal(3, second.ExitCode);
        Assert.Contains($"The gateway cannot start: cannot listen for DICOM on [::]:{first.Port}", second.StdErr, StringComparison.Ordinal);

        // Nobody shares the port (SO_REUSEPORT would have let the second one take some of the associations).
        static int Echoes(string log) => log.Split("accepted: ECHOSCU").Length - 1;
        var before = Echoes(first.Log);
        for (var i = 0; i < 8; i++)
        {
            var echo = await Dcmtk.EchoAsync(first.Port);
            Assert.True(echo.ExitCode == 0, echo.Output);
        }

        Assert.True(await GatewayProcess.WaitUntilAsync(() => Task.FromResult(Echoes(first.Log) == before + 8), TimeSpan.FromSeconds(10)), first.Log);
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
