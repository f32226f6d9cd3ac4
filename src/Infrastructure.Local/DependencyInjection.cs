using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Infrastructure.Local;

/// <summary>
/// Registers the embedded adapters one port at a time, so a host can mix them with AWS adapters. Every adapter is a singleton (the use-case handlers are). These are the driven
/// adapters only: the host drives them (the object-created dispatcher, the workflow's task steps, start and stop).
/// </summary>
public static class DependencyInjection
{
    /// <summary>
    /// <see cref="IInstanceStore"/> on <c>{data}/instances</c> and its object-created events
    /// (<see cref="ObjectCreatedNotifications"/>, the local S3 event notifications).
    /// </summary>
    public static IServiceCollection AddFileSystemInstanceStore(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton<ObjectCreatedNotifications>();
        services.TryAddSingleton(sp => new FileSystemInstanceStore(
            options.Storage,
            sp.GetRequiredService<ObjectCreatedNotifications>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<FileSystemInstanceStore>>()));
        services.TryAddSingleton<IInstanceStore>(sp => sp.GetRequiredService<FileSystemInstanceStore>());
        return services;
    }

    /// <summary><see cref="IImportJobRepository"/> in SQLite (<c>{data}/gateway.db</c>).</summary>
    public static IServiceCollection AddSqliteImportJobs(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton<SqliteImportJobRepository>();
        services.TryAddSingleton<IImportJobRepository>(sp => sp.GetRequiredService<SqliteImportJobRepository>());
        return services;
    }

    /// <summary>
    /// <see cref="IReceivedInstanceIndex"/> in SQLite (table <c>instances</c> of <c>{data}/gateway.db</c>, created at
    /// start by the host through <see cref="SqliteReceivedInstanceIndex.EnsureCreatedAsync"/>). It lists the instances
    /// received through this data directory, whichever instance store holds them.
    /// </summary>
    public static IServiceCollection AddSqliteInstanceIndex(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton<SqliteReceivedInstanceIndex>();
        services.TryAddSingleton<IReceivedInstanceIndex>(sp => sp.GetRequiredService<SqliteReceivedInstanceIndex>());
        return services;
    }

    /// <summary>
    /// <see cref="IStorageCommitmentRepository"/> in SQLite (table <c>commitments</c> of <c>{data}/gateway.db</c>, created at
    /// start by the host through <see cref="SqliteStorageCommitmentRepository.EnsureCreatedAsync"/>).
    /// </summary>
    public static IServiceCollection AddSqliteStorageCommitments(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton<SqliteStorageCommitmentRepository>();
        services.TryAddSingleton<IStorageCommitmentRepository>(sp => sp.GetRequiredService<SqliteStorageCommitmentRepository>());
        return services;
    }

    /// <summary>
    /// <see cref="IImportWorkflow"/> run in process, durable in <c>{data}/gateway.db</c>, registered also as
    /// <see cref="InProcessImportWorkflow"/> for the host, which resumes and stops it. Its task states are the host's
    /// <see cref="IImportWorkflowSteps"/>, which must be registered too.
    /// </summary>
    public static IServiceCollection AddInProcessWorkflow(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton(sp => new InProcessImportWorkflow(
            sp.GetRequiredService<SqliteDatabase>(),
            sp.GetRequiredService<IImportWorkflowSteps>(),
            options.Workflow,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<InProcessImportWorkflow>>()));
        services.TryAddSingleton<IImportWorkflow>(sp => sp.GetRequiredService<InProcessImportWorkflow>());
        return services;
    }

    /// <summary>
    /// <see cref="IImagingService"/>: the local HealthImaging stand-in (<c>{data}/imaging</c>), registered also as
    /// <see cref="LocalImagingService"/> for the host, which resumes and stops its worker. Unless configured otherwise,
    /// import results go to <c>{data}/results/</c>.
    /// </summary>
    public static IServiceCollection AddLocalImaging(this IServiceCollection services, LocalOptions options)
    {
        AddCommon(services, options);
        services.TryAddSingleton(sp => new LocalImagingService(
            options.Imaging,
            new SqliteDatabase(options.ImagingDatabasePath),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<LocalImagingService>>()));
        services.TryAddSingleton<IImagingService>(sp => sp.GetRequiredService<LocalImagingService>());
        services.PostConfigure<ImportOptions>(import =>
        {
            if (string.IsNullOrEmpty(import.ResultsLocation) || import.ResultsLocation == new ImportOptions().ResultsLocation)
            {
                import.ResultsLocation = options.ResultsLocation;
            }
        });
        return services;
    }

    private static void AddCommon(IServiceCollection services, LocalOptions options)
    {
        options.Resolve();
        services.TryAddSingleton(options);
        services.TryAddSingleton(new SqliteDatabase(options.DatabasePath));
    }
}
