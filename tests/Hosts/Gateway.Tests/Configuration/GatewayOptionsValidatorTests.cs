using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace ImagingGateway.Gateway.Tests.Configuration;

public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void GivenDefaults_WhenChecked_ThenValid()
    {
        Assert.Empty(GatewayOptionsValidator.Check(new GatewayOptions()));
    }

    [Theory]
    [InlineData("Gateway:AeTitle", "THIS_AE_TITLE_IS_TOO_LONG", "Gateway:AeTitle:")]
    [InlineData("Gateway:AeTitle", "BAD\\AE", "Gateway:AeTitle:")]
    [InlineData("Gateway:Port", "0", "Gateway:Port:")]
    [InlineData("Gateway:Port", "70000", "Gateway:Port:")]
    [InlineData("Gateway:HttpPort", "11112", "Gateway:HttpPort:")]
    [InlineData("Gateway:TlsPort", "2762", "Gateway:Tls:CertificatePath:")]
    [InlineData("Gateway:MaxAssociations", "0", "Gateway:MaxAssociations:")]
    [InlineData("Gateway:MaxPduLength", "100", "Gateway:MaxPduLength:")]
    [InlineData("Gateway:MaxInflatedDataSetBytes", "0", "Gateway:MaxInflatedDataSetBytes:")]
    [InlineData("Gateway:IdleTimeout", "00:00:00", "Gateway:IdleTimeout:")]
    [InlineData("Gateway:ListenAddress", "not-an-ip", "Gateway:ListenAddress:")]
    [InlineData("Gateway:AllowedCallingAeTitles:0", "", "Gateway:AllowedCallingAeTitles:0:")]
    [InlineData("Gateway:Batching:MaxFiles", "0", "Gateway:Batching:MaxFiles:")]
    [InlineData("Gateway:Batching:MaxBytes", "-1", "Gateway:Batching:MaxBytes:")]
    [InlineData("Gateway:Batching:QuietPeriod", "00:00:00", "Gateway:Batching:QuietPeriod:")]
    [InlineData("Gateway:Adapters:Storage", "S3", "Gateway:Aws:DicomBucket:")]
    [InlineData("Gateway:Adapters:Storage", "S3", "Gateway:Aws:InstanceTable:")]
    [InlineData("Gateway:Adapters:Jobs", "DynamoDb", "Gateway:Aws:JobTable:")]
    [InlineData("Gateway:Adapters:Workflow", "StepFunctions", "Gateway:Aws:StateMachineArn:")]
    [InlineData("Gateway:Adapters:Imaging", "HealthImaging", "Gateway:Aws:DatastoreId:")]
    [InlineData("Gateway:DataDirectory", "", "Gateway:DataDirectory:")]
    [InlineData("Gateway:StorageCommitment:MaxAttempts", "0", "Gateway:StorageCommitment:MaxAttempts:")]
    [InlineData("Gateway:StorageCommitment:ReportDelay", "-00:00:01", "Gateway:StorageCommitment:ReportDelay:")]
    [InlineData("Gateway:StorageCommitment:Peers:0:AeTitle", "BAD\\AE", "Gateway:StorageCommitment:Peers:0:AeTitle:")]
    [InlineData("Gateway:StorageCommitment:TakeoverDelay", "-00:00:01", "Gateway:StorageCommitment:TakeoverDelay:")]
    [InlineData("Gateway:StorageCommitment:UnknownInstanceWait", "-00:00:01", "Gateway:StorageCommitment:UnknownInstanceWait:")]
    [InlineData("Gateway:Local:Storage:Journal:SegmentBytes", "1000", "Gateway:Local:Storage:Journal:SegmentBytes ")]
    [InlineData("Gateway:Local:Storage:Journal:MaxObjectBytes", "999999999", "Gateway:Local:Storage:Journal:MaxObjectBytes ")]
    [InlineData("Gateway:Local:Storage:Journal:MaxSegments", "1", "Gateway:Local:Storage:Journal:MaxSegments ")]
    public void GivenOneBadSetting_WhenRead_ThenTheErrorNamesItsKey(string key, string value, string expectedPrefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var ok = GatewayHost.TryReadOptions(configuration, out _, out var errors);

        Assert.False(ok);
        Assert.Contains(errors, e => e.StartsWith(expectedPrefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:05:00", false)]
    [InlineData("00:05:01", true)]
    public void GivenPerCallingAeAndStudy_WhenRecoveryQuietPeriodIsNotLongerThanTheQuietPeriod_ThenItIsRefused(string recoveryQuietPeriod, bool valid)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Batching:Policy"] = "PerCallingAeAndStudy",
            ["Gateway:Batching:QuietPeriod"] = "00:05:00",
            ["Gateway:Batching:RecoveryQuietPeriod"] = recoveryQuietPeriod,
        }).Build();

        GatewayHost.TryReadOptions(configuration, out _, out var errors);

        Assert.Equal(!valid, errors.Any(e => e.StartsWith("Gateway:Batching:RecoveryQuietPeriod:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Gateway:Port", "abc")]
    [InlineData("Gateway:Adapters:Storage", "Floppy")]
    [InlineData("Gateway:Batching:Policy", "PerMoon")]
    [InlineData("Gateway:ShutdownGracePeriod", "soon")]
    public void GivenAValueOfTheWrongType_WhenRead_ThenTheErrorNamesItsKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var ok = GatewayHost.TryReadOptions(configuration, out _, out var errors);

        Assert.False(ok);
        var error = Assert.Single(errors);
        Assert.Contains($"'{key}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenCompleteAwsSettings_WhenChecked_ThenValid()
    {
        var options = new GatewayOptions
        {
            Adapters = new AdapterOptions { Storage = StorageAdapter.S3, Jobs = JobsAdapter.DynamoDb, Workflow = WorkflowAdapter.StepFunctions, Imaging = ImagingAdapter.HealthImaging },
            Aws = new GatewayAwsOptions
            {
                DicomBucket = "dicom", ResultsBucket = "results", JobTable = "jobs", InstanceTable = "instances", StateMachineArn = "arn:aws:states:us-east-1:1:stateMachine:x",
                DatastoreId = "0123456789abcdef0123456789abcdef", DataAccessRoleArn = "arn:aws:iam::1:role/r",
            },
        };

        Assert.Empty(GatewayOptionsValidator.Check(options));
    }

    [Fact]
    public void GivenHealthImagingAndMoreFilesThanItsLimit_WhenChecked_ThenMaxFilesIsNamed()
    {
        var options = new GatewayOptions
        {
            Adapters = new AdapterOptions { Storage = StorageAdapter.S3, Imaging = ImagingAdapter.HealthImaging },
            Aws = new GatewayAwsOptions { DicomBucket = "d", ResultsBucket = "r", DatastoreId = "x", DataAccessRoleArn = "arn:aws:iam::1:role/r" },
        };
        options.Batching.MaxFiles = 5001;

        Assert.Contains(GatewayOptionsValidator.Check(options), e => e.StartsWith("Gateway:Batching:MaxFiles:", StringComparison.Ordinal));
    }
}
