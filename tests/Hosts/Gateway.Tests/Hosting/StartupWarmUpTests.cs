using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using ImagingGateway.Gateway.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ImagingGateway.Gateway.Tests.Hosting;

/// <summary>The start-up warm-up: a scratch gateway stores and imports synthetic instances, and leaves nothing behind.</summary>
public sealed class StartupWarmUpTests
{
    [Fact]
    public async Task GivenADataDirectory_WhenTheWarmUpRuns_ThenAScratchGatewayStoresAndImportsEveryInstanceAndNothingIsLeftBehind()
    {
        using var temp = new TempDirectory();
        var (args, options) = Configure(temp.Path);

        var outcome = await StartupWarmUp.RunAsync(args, new Dictionary<string, string?>(), options, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(6, outcome.Sent);
        Assert.Equal(6, outcome.Stored);
        Assert.True(outcome.Imported, "the scratch gateway's import job did not complete");
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task GivenAnAllowListAndACalledAeCheck_WhenTheWarmUpRuns_ThenItCallsAsAnAllowedAeAndStoresEveryInstance()
    {
        using var temp = new TempDirectory();
        var (args, options) = Configure(temp.Path,
            "--Gateway:AeTitle=HOSPITALGW", "--Gateway:CheckCalledAeTitle=true", "--Gateway:AllowedCallingAeTitles:0=CT01", "--Gateway:AllowedCallingAeTitles:1=MR01");

        var outcome = await StartupWarmUp.RunAsync(args, new Dictionary<string, string?>(), options, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(6, outcome.Stored);
    }

    [Fact]
    public async Task GivenScratchFoldersLeftByKilledProcesses_WhenTheWarmUpRuns_ThenOnlyTheStaleOnesAreDeleted()
    {
        using var temp = new TempDirectory();
        var stale = Directory.CreateDirectory(Path.Combine(temp.Path, StartupWarmUp.FolderPrefix + "stale")).FullName;
        File.WriteAllText(Path.Combine(stale, "left.dcm"), "x");
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        // Another process's warm-up, running now in the same data directory.
        var running = Directory.CreateDirectory(Path.Combine(temp.Path, StartupWarmUp.FolderPrefix + "running")).FullName;
        var (args, options) = Configure(temp.Path);

        var outcome = await StartupWarmUp.RunAsync(args, new Dictionary<string, string?>(), options, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.False(Directory.Exists(stale), "a stale scratch folder was kept");
        Assert.True(Directory.Exists(running), "a scratch folder in use was deleted");
    }

    [Fact]
    public async Task GivenADataDirectoryThatIsAFile_WhenTheWarmUpRuns_ThenItReportsWhyInsteadOfThrowing()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "not-a-folder");
        File.WriteAllText(file, "x");
        var (args, options) = Configure(file);

        var outcome = await StartupWarmUp.RunAsync(args, new Dictionary<string, string?>(), options, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(0, outcome.Stored);
        Assert.Contains("not-a-folder", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAServedGateway_WhenItStartedAfterItsWarmUp_ThenItsStatsAndMetricsCountNothingOfTheWarmUp()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Path, new Dictionary<string, string> { ["GATEWAY__WARMUPATSTART"] = "true" });

        Assert.Contains("Warm-up: 6 synthetic instances stored and imported by a scratch gateway", gateway.Log, StringComparison.Ordinal);
        var stats = await gateway.GetJsonAsync("/api/stats");
        Assert.Equal(0, stats.GetProperty("instancesStored").GetInt64());
        Assert.Equal(0, stats.GetProperty("bytesStored").GetInt64());
        Assert.Equal(0, stats.GetProperty("associations").GetInt64());
        var metrics = await gateway.Http.GetStringAsync("/metrics");
        Assert.Contains("kestrel_", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway_cstore_requests_total{", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway_associations_total{", metrics, StringComparison.Ordinal);
        Assert.Equal(0, (await gateway.GetJsonAsync("/api/jobs")).GetProperty("jobs").GetArrayLength());
        Assert.Empty(Directory.EnumerateDirectories(temp.Path, StartupWarmUp.FolderPrefix + "*"));
    }

    private static (string[] Args, GatewayOptions Options) Configure(string dataDirectory, params string[] more)
    {
        string[] args = [$"--Gateway:DataDirectory={dataDirectory}", .. more];
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        Assert.True(GatewayHost.TryReadOptions(configuration, out var options, out var errors), string.Join("; ", errors));
        return (args, options);
    }
}
