using ImagingGateway.Application;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Infrastructure.Aws;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Sqlite;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>Registers the application core and the adapters <c>Gateway:Adapters:*</c> choose.</summary>
public static class GatewayComposition
{
    public static void AddPipeline(IServiceCollection services, IConfiguration configuration, GatewayOptions options)
    {
        var data = options.DataDirectory;
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
                    import.ResultsLocation = new Uri(Path.Combine(data, "results") + Path.DirectorySeparatorChar).AbsoluteUri;
                }
            },
            batching =>
            {
                batching.Policy = options.Batching.Policy;
                batching.MaxFiles = options.Batching.MaxFiles;
                batching.MaxBytes = options.Batching.MaxBytes;
                batching.RecoveryLookbackDays = options.Batching.RecoveryLookbackDays;
                batching.RecoveryQuietPeriod = options.Batching.RecoveryQuietPeriod;
            });

        switch (options.Adapters.Storage)
        {
            case StorageAdapter.S3:
                services.AddS3InstanceStore(configuration);
                break;
            default:
                services.AddSingleton<ObjectCreatedNotifications>();
                services.AddSingleton(sp => new FileSystemInstanceStore(
                    new FileSystemStoreOptions { RootDirectory = Path.Combine(data, "store") },
                    sp.GetRequiredService<ObjectCreatedNotifications>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<FileSystemInstanceStore>>()));
                services.AddSingleton<IInstanceStore>(sp => sp.GetRequiredService<FileSystemInstanceStore>());
                break;
        }

        switch (options.Adapters.Jobs)
        {
            case JobsAdapter.DynamoDb:
                services.AddDynamoDbImportJobs(configuration);
                break;
            default:
                services.AddSingleton(_ =>
                {
                    Directory.CreateDirectory(data);
                    return new SqliteDatabase(Path.Combine(data, "jobs.db"));
                });
                services.AddSingleton<IImportJobRepository, SqliteImportJobRepository>();
                break;
        }

        if (options.Adapters.Workflow == WorkflowAdapter.StepFunctions)
        {
            services.AddStepFunctionsWorkflow(configuration);
        }

        if (options.Adapters.Imaging == ImagingAdapter.HealthImaging)
        {
            services.AddHealthImaging(configuration);
        }
    }
}
