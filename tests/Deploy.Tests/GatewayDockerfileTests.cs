namespace ImagingGateway.Deploy.Tests;

/// <summary>The Gateway image the CDK app builds: multi-stage, non-root, health-checked, small build context.</summary>
public sealed class GatewayDockerfileTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void GivenDockerfile_WhenReadingStages_ThenTheSdkBuildsAndOnlyTheAspNetRuntimeShips()
    {
        var lines = Lines();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("dotnet publish src/Hosts/Gateway/Gateway.csproj", StringComparison.Ordinal));
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"ImagingGateway.Gateway.dll\"]", lines.Last(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
    }

    [Fact]
    public void GivenDockerfile_WhenReadingTheRuntimeStage_ThenItRunsAsNonRootWithAHealthCheck()
    {
        var runtime = Lines().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.NotEqual("USER 0", user);
        Assert.Contains(runtime, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("EXPOSE", StringComparison.Ordinal) && l.Contains("11112", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenDockerfile_WhenReadingTheRuntimeStage_ThenTheDataDirectoryIsAVolumeOwnedByTheAppUser()
    {
        var runtime = Lines().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        var chown = runtime.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains("chown \"$APP_UID\" /data", StringComparison.Ordinal));
        var volume = runtime.FindIndex(l => l == "VOLUME [\"/data\"]");
        Assert.True(chown >= 0, "the runtime stage does not give /data to the app user");
        Assert.True(volume > chown, "VOLUME /data must come after the chown (a new volume copies the folder's ownership)");
        Assert.Contains(runtime, l => l.Contains("GATEWAY__DATADIRECTORY=/data", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenDockerfile_WhenReadingTheRuntimeStage_ThenNothingOverridesTheAppsGarbageCollectorSetting()
    {
        // Gateway.csproj chooses the GC that docs/performance.md measured; a DOTNET_gc… or DOTNET_GC… variable in the
        // image would silently replace that choice in every container.
        var runtime = Lines().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(runtime, l => !l.StartsWith('#') && l.Contains("DOTNET_gc", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void GivenDockerIgnore_WhenReadingIt_ThenBuildOutputsAndRepositoryMetadataStayOutOfTheContext()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "**/node_modules/", ".git/", "**/cdk.out/", "tests/" })
        {
            Assert.Contains(pattern, ignored);
        }
    }

    private static List<string> Lines() =>
        File.ReadAllLines(Path.Combine(Root, "src", "Hosts", "Gateway", "Dockerfile")).Select(l => l.Trim()).ToList();

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
