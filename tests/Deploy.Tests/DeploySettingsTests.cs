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

    [Theory]
    [InlineData("", "198.51.100.0/24")]
    [InlineData("arn:aws:acm:eu-west-1:111122223333:certificate/x", "")]
    [InlineData("", "")]
    public void GivenInternetFacingWithoutTlsOrPeers_WhenSynthesizing_ThenItFailsSayingWhatIsMissing(string certificate, string peers)
    {
        // Issue #23 item 6.
        var app = new App(new AppProps
        {
            Context = new Dictionary<string, object>
            {
                ["loadBalancerInternetFacing"] = "true",
                ["tlsCertificateArn"] = certificate,
                ["allowedPeerCidrs"] = peers,
            },
        });
        var error = Assert.Throws<ArgumentException>(() => DeploySettings.FromContext(app.Node));
        Assert.Contains("loadBalancerInternetFacing=true needs both tlsCertificateArn", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowedPeerCidrs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenNoContext_WhenReadingSettings_ThenTheLoadBalancerIsInternalAndHasNoTls()
    {
        var settings = DeploySettings.FromContext(new App().Node);
        Assert.False(settings.LoadBalancerInternetFacing);
        Assert.True(settings.HasCleartextListener);
        Assert.False((settings with { TlsCertificateArn = "arn:aws:acm:eu-west-1:111122223333:certificate/x" }).HasCleartextListener);
    }

    [Fact]
    public void GivenMoreThanTwoZonesWithoutAList_WhenValidating_ThenItFailsInsteadOfSilentlyUsingTwo()
    {
        // Issue #23 item 10: an environment-agnostic stack gets at most two zones from CDK.
        var error = Assert.Throws<ArgumentException>(() => (Valid with { MaxAzs = 3 }).Validate());
        Assert.Contains("availabilityZones", error.Message, StringComparison.Ordinal);
        (Valid with { AvailabilityZones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"], NatGateways = 3 }).Validate();
        Assert.Throws<ArgumentException>(() => (Valid with { AvailabilityZones = ["eu-west-1a"], NatGateways = 1 }).Validate());
    }

    [Fact]
    public void GivenStopTimeoutBeyondFargatesMaximum_WhenValidating_ThenItIsRejected()
    {
        Assert.Throws<ArgumentException>(() => (Valid with { StopTimeoutSeconds = 121 }).Validate());
        Assert.Throws<ArgumentException>(() => (Valid with { StopTimeoutSeconds = 10 }).Validate());
    }

    [Theory]
    [InlineData("111122223333.dkr.ecr.eu-west-1.amazonaws.com/imaging-gateway:1.2", "imaging-gateway", "1.2", "arn:aws:ecr:eu-west-1:111122223333:repository/imaging-gateway")]
    [InlineData("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b", "a/b", "latest", "arn:aws-cn:ecr:cn-north-1:111122223333:repository/a/b")]
    public void GivenPrivateEcrImageUri_WhenParsing_ThenRepositoryTagAndArnAreFound(string uri, string repository, string tag, string arn)
    {
        Assert.True(EcrImageUri.TryParse(uri, out var image));
        Assert.Equal(repository, image.Repository);
        Assert.Equal(tag, image.TagOrDigest);
        Assert.Equal(arn, image.RepositoryArn);
    }

    [Theory]
    [InlineData("public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3")]
    [InlineData("docker.io/library/nginx:1")]
    public void GivenPublicImageUri_WhenParsing_ThenItIsNotAPrivateEcrImage(string uri)
    {
        Assert.False(EcrImageUri.TryParse(uri, out _));
    }

    [Fact]
    public void GivenSupportedRetention_WhenMapping_ThenTheCloudWatchValueIsReturned()
    {
        Assert.Equal(Amazon.CDK.AWS.Logs.RetentionDays.ONE_YEAR, LogRetention.From(365));
        Assert.Equal(Amazon.CDK.AWS.Logs.RetentionDays.TEN_YEARS, LogRetention.From(3653));
    }
}
