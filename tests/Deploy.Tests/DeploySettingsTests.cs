using Amazon.CDK;

namespace ImagingGateway.Deploy.Tests;

public sealed class DeploySettingsTests
{
    private static readonly DeploySettings Valid = new() { LambdaCodePath = "publish", DockerContextPath = ".." };

    [Fact]
    public void GivenCommandLineContext_WhenReadingSettings_ThenStringsAreParsedIntoNumbersFlagsAndLists()
    {
        var app = new App(new AppProps
        {
            Context = new Dictionary<string, object>
            {
                ["TASK_CPU"] = "512",
                ["TASK_MEMORY_LIMIT_MIB"] = "2048",
                ["allowedPeerCidrs"] = "198.51.100.0/24, 203.0.113.9/32",
                ["loadBalancerInternetFacing"] = "false",
                ["batchingPolicy"] = "PerInstance",
            },
        });
        var settings = DeploySettings.FromContext(app.Node);
        Assert.Equal(512, settings.TaskCpu);
        Assert.Equal(2048, settings.TaskMemoryLimitMiB);
        Assert.Equal(["198.51.100.0/24", "203.0.113.9/32"], settings.AllowedPeerCidrs);
        Assert.False(settings.LoadBalancerInternetFacing);
        Assert.Equal("PerInstance", settings.BatchingPolicy);
        Assert.Equal("../src/Hosts/Lambda/bin/Release/net10.0/publish", settings.LambdaCodePath);
    }

    [Fact]
    public void GivenNonNumericContext_WhenReadingSettings_ThenTheErrorNamesTheKey()
    {
        var app = new App(new AppProps { Context = new Dictionary<string, object> { ["maxTaskCount"] = "many" } });
        var error = Assert.Throws<ArgumentException>(() => DeploySettings.FromContext(app.Node));
        Assert.Contains("maxTaskCount", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256, 512, true)]
    [InlineData(256, 4096, false)]
    [InlineData(1024, 2048, true)]
    [InlineData(1024, 1024, false)]
    [InlineData(4096, 30720, true)]
    [InlineData(8192, 20480, true)]
    [InlineData(8192, 18432, false)]
    [InlineData(300, 1024, false)]
    public void GivenCpuAndMemory_WhenCheckingFargateSizes_ThenOnlyFargateCombinationsAreValid(int cpu, int memory, bool valid)
    {
        Assert.Equal(valid, FargateSizes.IsValid(cpu, memory));
    }

    [Fact]
    public void GivenInvalidFargateSize_WhenValidating_ThenTheErrorNamesBothParameters()
    {
        var error = Assert.Throws<ArgumentException>(() => (Valid with { TaskCpu = 256, TaskMemoryLimitMiB = 4096 }).Validate());
        Assert.Contains("TASK_CPU", error.Message, StringComparison.Ordinal);
        Assert.Contains("TASK_MEMORY_LIMIT_MIB", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-cidr")]
    [InlineData("2001:db8::/32")]
    [InlineData("300.1.1.0/24")]
    public void GivenBadPeerCidr_WhenValidating_ThenItIsRejected(string cidr)
    {
        var error = Assert.Throws<ArgumentException>(() => (Valid with { AllowedPeerCidrs = [cidr] }).Validate());
        Assert.Contains(cidr, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenOtherInvalidSettings_WhenValidating_ThenEachIsRejected()
    {
        Assert.Throws<ArgumentException>(() => (Valid with { BatchingPolicy = "PerStudy" }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { MinTaskCount = 5, MaxTaskCount = 4 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { MinTaskCount = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { MaxAzs = 1, NatGateways = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { NatGateways = 3 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { CheckStatusMemoryMiB = 64 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { LogRetentionDays = 42 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { DicomRetentionDays = 3 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { ResultsRetentionDays = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { NoncurrentVersionRetentionDays = 0 }).Validate());
        (Valid with { DicomRetentionDays = 0, ResultsRetentionDays = 7 }).Validate();
        Valid.Validate();
    }

    [Fact]
    public void GivenSupportedRetention_WhenMapping_ThenTheCloudWatchValueIsReturned()
    {
        Assert.Equal(Amazon.CDK.AWS.Logs.RetentionDays.ONE_YEAR, LogRetention.From(365));
        Assert.Equal(Amazon.CDK.AWS.Logs.RetentionDays.TEN_YEARS, LogRetention.From(3653));
    }
}
