using FluentValidation;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Batches.CloseQuietBatches;
using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Application.Commitments.ClaimCommitment;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.GetCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Behaviors;
using ImagingGateway.Application.Common.Ids;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports;
using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.ListImportJobs;
using ImagingGateway.Application.Imports.RetryImportJob;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Instances.GetInstance;
using ImagingGateway.Application.Instances.ListInstances;
using ImagingGateway.Application.Instances.StoreInstance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImagingGateway.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the mediator (every use case, with the logging and validation behaviors), the validators, the
    /// <see cref="OpenBatchRegistry"/> and the options. The ports (<see cref="IInstanceStore"/>,
    /// <see cref="IImportJobRepository"/>, <see cref="IImagingService"/>, <see cref="IImportWorkflow"/> and, where
    /// instances are received, <see cref="IReceivedInstanceIndex"/>) come from an adapter project and must be registered
    /// as singletons, since the handlers are singletons. A
    /// <see cref="TimeProvider"/> and an <see cref="IIdGenerator"/> are added unless already registered; the host adds logging.
    /// Bind configuration with <c>services.Configure&lt;BatchingOptions&gt;(config.GetSection("Gateway:Batching"))</c>
    /// (and <see cref="ReceiveOptions"/>, <see cref="ImportOptions"/>) or pass delegates here.
    /// </summary>
    public static IServiceCollection AddApplication(
        this IServiceCollection services,
        Action<ImportOptions>? configureImport = null,
        Action<BatchingOptions>? configureBatching = null,
        Action<ReceiveOptions>? configureReceive = null)
    {
        // Options must be compile-time constants: the source generator reads them from this call.
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.GenerateTypesAsInternal = true;
            options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
        });

        AddValidators(services);

        var import = services.AddOptions<ImportOptions>();
        if (configureImport is not null)
        {
            import.Configure(configureImport);
        }

        var batching = services.AddOptions<BatchingOptions>();
        if (configureBatching is not null)
        {
            batching.Configure(configureBatching);
        }

        services.AddOptions<StorageCommitmentOptions>();
        var receive = services.AddOptions<ReceiveOptions>();
        if (configureReceive is not null)
        {
            receive.Configure(configureReceive);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdGenerator, UlidIdGenerator>();
        services.TryAddSingleton<OpenBatchRegistry>();
        services.TryAddSingleton<OpenBatchMarkers>();
        services.TryAddSingleton<BatchManifestWriter>();
        services.TryAddSingleton<BatchCloser>();
        services.TryAddSingleton<BatchJobFinder>();
        return services;
    }

    /// <summary>
    /// Each validator, registered by hand: scanning the assembly by reflection costs the Lambda functions' cold start.
    /// A test checks that every <see cref="IValidator{T}"/> of the assembly is listed here.
    /// </summary>
    private static void AddValidators(IServiceCollection services)
    {
        services.AddSingleton<IValidator<StoreInstanceCommand>, StoreInstanceValidator>();
        services.AddSingleton<IValidator<CloseBatchCommand>, CloseBatchValidator>();
        services.AddSingleton<IValidator<CloseAssociationBatchesCommand>, CloseAssociationBatchesValidator>();
        services.AddSingleton<IValidator<RecoverOpenBatchesCommand>, RecoverOpenBatchesValidator>();
        services.AddSingleton<IValidator<CloseQuietBatchesCommand>, CloseQuietBatchesValidator>();
        services.AddSingleton<IValidator<TriggerImportCommand>, TriggerImportValidator>();
        services.AddSingleton<IValidator<StartImportJobCommand>, StartImportJobValidator>();
        services.AddSingleton<IValidator<CheckImportStatusCommand>, CheckImportStatusValidator>();
        services.AddSingleton<IValidator<GetImportJobQuery>, GetImportJobValidator>();
        services.AddSingleton<IValidator<RetryImportJobCommand>, RetryImportJobValidator>();
        services.AddSingleton<IValidator<ListImportJobsQuery>, ListImportJobsValidator>();
        services.AddSingleton<IValidator<GetInstanceQuery>, GetInstanceValidator>();
        services.AddSingleton<IValidator<ListInstancesQuery>, ListInstancesValidator>();
        services.AddSingleton<IValidator<ImportState>, ImportStateRules>();
        services.AddSingleton<IValidator<RequestCommitmentCommand>, RequestCommitmentValidator>();
        services.AddSingleton<IValidator<DecideCommitmentCommand>, DecideCommitmentValidator>();
        services.AddSingleton<IValidator<RecordCommitmentReportCommand>, RecordCommitmentReportValidator>();
        services.AddSingleton<IValidator<GetCommitmentQuery>, GetCommitmentValidator>();
        services.AddSingleton<IValidator<ListDueCommitmentsQuery>, ListDueCommitmentsValidator>();
        services.AddSingleton<IValidator<ClaimCommitmentCommand>, ClaimCommitmentValidator>();
    }
}
