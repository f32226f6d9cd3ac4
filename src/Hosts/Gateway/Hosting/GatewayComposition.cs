using ImagingGateway.Application;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Infrastructure.Aws;
using ImagingGateway.Infrastructure.Local;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Registers the application core and the adapters <c>Gateway:Adapters:*</c> choose: everything local under
/// <c>Gateway:DataDirectory</c> by default, or the AWS adapters configured by <c>Gateway:Aws:*</c>. Tunables of the
/// local adapters (workflow pacing, the HealthImaging stand-in's quotas) bind from <c>Gateway:Local</c>.
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
                batching.RecoveryLookbackDays = options.Batching.RecoveryLookbackDays;
                batching.RecoveryQuietPeriod = options.Batching.RecoveryQuietPeriod;
            },
            receive => receive.MaxInflatedDataSetBytes = options.MaxInflatedDataSetBytes);

        // The workflow before the store: the local store's event dispatcher needs the workflow.
        if (options.Adapters.Workflow == WorkflowAdapter.StepFunctions)
        {
            services.AddStepFunctionsWorkflow(configuration);
        }
        else
        {
            services.AddInProcessWorkflow(local);
        }

        if (options.Adapters.Storage == StorageAdapter.S3)
        {
            services.AddS3InstanceStore(configuration);
        }
        else
        {
            services.AddFileSystemInstanceStore(local);
        }

        if (options.Adapters.Jobs == JobsAdapter.DynamoDb)
        {
            services.AddDynamoDbImportJobs(configuration);
        }
        else
        {
            services.AddSqliteImportJobs(local);
        }

        // Always local: with the AWS adapters it holds the instances received through this gateway's data directory.
        services.AddSqliteInstanceIndex(local);

        if (options.Adapters.Imaging == ImagingAdapter.HealthImaging)
        {
            services.AddHealthImaging(configuration);
        }
        else
        {
            services.AddLocalImaging(local);
        }
    }
}
