using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Tests.Hosting;

/// <summary>
/// The storage commitment settings that matter only with several Gateway tasks (issue #26): unset, they are 0 with
/// FileSystem storage (one process, so a restarted Gateway reports at once) and cover other tasks with S3 storage. The
/// pending requests are kept where every task that may report them sees them.
/// </summary>
public sealed class GatewayCompositionTests
{
    private static StorageCommitmentOptions Composed(GatewayOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        GatewayComposition.AddPipeline(services, new ConfigurationBuilder().Build(), options);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<StorageCommitmentOptions>>().Value;
    }

    [Fact]
    public void GivenFileSystemStorage_WhenNothingIsSet_ThenNoClaimLeaseNoTakeoverDelayAndNoUnknownInstanceWait()
    {
        using var temp = new TempDirectory();

        var composed = Composed(new GatewayOptions { DataDirectory = temp.Path });

        Assert.Equal(TimeSpan.Zero, composed.ClaimLease);
        Assert.Equal(TimeSpan.Zero, composed.TakeoverDelay);
        Assert.Equal(TimeSpan.Zero, composed.UnknownInstanceWait);
    }

    [Fact]
    public void GivenS3Storage_WhenNothingIsSet_ThenClaimsAndTheTakeoverDelayOutlastAnAttemptAndUnknownInstancesWaitOutTheQuietPeriod()
    {
        using var temp = new TempDirectory();
        var options = new GatewayOptions { DataDirectory = temp.Path };
        options.Adapters.Storage = StorageAdapter.S3;
        options.Batching.QuietPeriod = TimeSpan.FromSeconds(45);

        var composed = Composed(options);

        Assert.True(composed.ClaimLease > CommitmentReporter.AttemptTimeout);
        Assert.True(composed.TakeoverDelay > CommitmentReporter.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(105), composed.UnknownInstanceWait);
    }

    [Fact]
    public void GivenS3StorageAndExplicitSettings_WhenComposed_ThenTheSettingsWin()
    {
        using var temp = new TempDirectory();
        var options = new GatewayOptions { DataDirectory = temp.Path };
        options.Adapters.Storage = StorageAdapter.S3;
        options.StorageCommitment.TakeoverDelay = TimeSpan.FromSeconds(20);
        options.StorageCommitment.UnknownInstanceWait = TimeSpan.FromMinutes(7);

        var composed = Composed(options);

        Assert.Equal(TimeSpan.FromSeconds(20), composed.TakeoverDelay);
        Assert.Equal(TimeSpan.FromMinutes(7), composed.UnknownInstanceWait);
    }

    private static List<ServiceDescriptor> CommitmentRepositories(GatewayOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        GatewayComposition.AddPipeline(services, new ConfigurationBuilder().Build(), options);
        return services.Where(d => d.ServiceType == typeof(IStorageCommitmentRepository)).ToList();
    }

    [Fact]
    public void GivenS3StorageAndACommitmentTable_WhenComposed_ThenPendingCommitmentsAreInDynamoDb()
    {
        using var temp = new TempDirectory();
        var options = new GatewayOptions { DataDirectory = temp.Path };
        options.Adapters.Storage = StorageAdapter.S3;
        options.Aws.CommitmentTable = "commitments";

        Assert.Equal(typeof(DynamoDbStorageCommitmentRepository), Assert.Single(CommitmentRepositories(options)).ImplementationType);
    }

    [Fact]
    public void GivenS3StorageWithoutACommitmentTable_WhenComposed_ThenNoCommitmentRepositoryIsRegistered()
    {
        using var temp = new TempDirectory();
        var options = new GatewayOptions { DataDirectory = temp.Path };
        options.Adapters.Storage = StorageAdapter.S3;

        Assert.Empty(CommitmentRepositories(options));
    }
}
