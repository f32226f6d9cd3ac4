using ImagingGateway.Application;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting.LocalPipeline;
using ImagingGateway.Infrastructure.Aws;
using ImagingGateway.Infrastructure.Local;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Workflow;
using Mediator;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Registers the application core and the adapters <c>Gateway:Adapters:*</c> choose: everything local under
/// <c>Gateway:DataDirectory</c> by default, or the AWS adapters configured by <c>Gateway:Aws:*</c>. The
/// received-instance index follows the store: SQLite beside the FileSystem store, DynamoDB beside S3. Tunables of the
/// local adapters (workflow pacing, the HealthImaging stand-in's quotas) bind from <c>Gateway:Local</c>. The local
/// adapters only implement ports; what drives them (the object-created dispatcher, the workflow's task steps, their
/// start and stop) is registered here, from the host's <c>Hosting/LocalPipeline</c>.
/// </summary>
public static class GatewayComposition
{
    public const string LocalSectionName = "Gateway:Local";

    /// <summary>The <c>Gateway:Local</c> section bound onto <see cref="LocalOptions"/> (paths not yet resolved).</summary>
    public static LocalOptions ReadLocalOptions(IConfiguration configuration)
    {
        var local = new LocalOptions();
        configuration.GetSection(LocalSectionName).Bind(local);
        return local;
    }

    public static void AddPipeline(IServiceCollection services, IConfiguration configuration, GatewayOptions options)
    {
        var local = ReadLocalOptions(configuration);
        local.DataDirectory = options.DataDirectory;
        local.Resolve();

        services.AddApplication(
            import =>
            {
                if (options.Adapters.Imaging == ImagingAdapter.HealthImaging)
                {
                    import.DatastoreId = options.Aws.DatastoreId!;
                    import.DataAccessRoleArn = options.Aws.DataAccessRoleArn!;
                    import.ResultsLocation = $"s3://{options.Aws.ResultsBucket}/";
                }
                else
                {
                    import.ResultsLocation = local.ResultsLocation;
                }
            },
            batching =>
            {
                batching.Policy = options.Batching.Policy;
                batching.MaxFiles = options.Batching.MaxFiles;
                batching.MaxBytes = options.Batching.MaxBytes;
                batching.QuietPeriod = options.Batching.QuietPeriod;
                batching.RecoveryQuietPeriod = options.Batching.RecoveryQuietPeriod;
            },
            receive => receive.MaxInflatedDataSetBytes = options.MaxInflatedDataSetBytes);
        services.Configure<StorageCommitmentOptions>(commitment =>
        {
            commitment.Policy = options.StorageCommitment.Policy;
            commitment.ReportDelay = options.StorageCommitment.ReportDelay;
            commitment.RetryInterval = options.StorageCommitment.RetryInterval;
            commitment.MaxAttempts = options.StorageCommitment.MaxAttempts;
            commitment.DecisionInterval = options.StorageCommitment.DecisionInterval;
            commitment.MaxImportWait = options.StorageCommitment.MaxImportWait;
            commitment.TakeoverDelay = options.StorageCommitment.TakeoverDelayFor(options.Adapters);
            commitment.UnknownInstanceWait = options.StorageCommitment.UnknownInstanceWaitFor(options.Adapters, options.Batching);
            commitment.ClaimLease = StorageCommitmentSettings.IsShared(options.Adapters) ? CommitmentReporter.ClaimLease : TimeSpan.Zero;
        });

        var inProcessWorkflow = options.Adapters.Workflow != WorkflowAdapter.StepFunctions;
        if (inProcessWorkflow)
        {
            services.AddInProcessWorkflow(local);
            services.AddSingleton<IImportWorkflowSteps, MediatorImportWorkflowSteps>();
            services.AddHostedService(sp => new InProcessWorkflowHostedService(sp.GetRequiredService<InProcessImportWorkflow>()));
        }
        else
        {
            services.AddStepFunctionsWorkflow(configuration);
        }

        if (options.Adapters.Storage == StorageAdapter.S3)
        {
            services.AddS3InstanceStore(configuration);
        }
        else
        {
            services.AddFileSystemInstanceStore(local);
            services.AddHostedService(sp => new ObjectCreatedDispatcher(
                sp.GetRequiredService<ObjectCreatedNotifications>(),
                sp.GetRequiredService<IInstanceStore>(),
                sp.GetRequiredService<ISender>(),
                inProcessWorkflow ? sp.GetRequiredService<InProcessImportWorkflow>() : null,
                sp.GetRequiredService<ILogger<ObjectCreatedDispatcher>>()));
        }

        if (options.Adapters.Jobs == JobsAdapter.DynamoDb)
        {
            services.AddDynamoDbImportJobs(configuration);
        }
        else
        {
            services.AddSqliteImportJobs(local);
        }

        // Instances in S3 are shared by every task behind the load balancer, so their index must be too.
        if (options.Adapters.Storage == StorageAdapter.S3)
        {
            services.AddDynamoDbInstanceIndex(configuration);
        }
        else
        {
            services.AddSqliteInstanceIndex(local);
            services.AddHostedService(sp => new SqliteInstanceIndexHostedService(sp.GetRequiredService<SqliteReceivedInstanceIndex>()));
        }

        // Pending storage commitments are kept only where they are offered (StorageCommitmentSettings.IsOffered), and
        // beside S3 in DynamoDB, since any task may be the one alive when a report is due.
        if (options.StorageCommitment.IsOffered(options.Adapters, options.Aws) && options.Adapters.Storage == StorageAdapter.S3)
        {
            services.AddDynamoDbStorageCommitments(configuration);
        }
        else if (options.StorageCommitment.IsOffered(options.Adapters, options.Aws))
        {
            services.AddSqliteStorageCommitments(local);
            services.AddHostedService(sp => new SqliteStorageCommitmentsHostedService(sp.GetRequiredService<SqliteStorageCommitmentRepository>()));
        }

        if (options.Adapters.Imaging == ImagingAdapter.HealthImaging)
        {
            services.AddHealthImaging(configuration);
        }
        else
        {
            services.AddLocalImaging(local);
            services.AddHostedService(sp => new LocalImagingHostedService(sp.GetRequiredService<LocalImagingService>()));
        }
    }
}
