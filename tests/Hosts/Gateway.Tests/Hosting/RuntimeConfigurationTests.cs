using System.Text.Json;

namespace ImagingGateway.Gateway.Tests.Hosting;

/// <summary>
/// The runtime settings Gateway.csproj states with their measurements are the ones the build writes into the gateway's
/// runtimeconfig.json (an MSBuild property the SDK does not know is ignored without a warning).
/// </summary>
public sealed class RuntimeConfigurationTests
{
    [Fact]
    public void GivenTheGatewayBuild_WhenReadingItsRuntimeConfiguration_ThenServerGcFullJitAndNoThreadPoolSpinningApply()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ImagingGateway.Gateway.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.Runtime.TieredCompilation").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
