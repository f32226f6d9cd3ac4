using FluentValidation;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Behaviors;
using ImagingGateway.Application.Common.Ids;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImagingGateway.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the mediator (every use case, with the logging and validation behaviors), the validators, the
    /// <see cref="OpenBatchRegistry"/> and the options. The ports (<see cref="IInstanceStore"/>,
    /// <see cref="IImportJobRepository"/>, <see cref="IImagingService"/>, <see cref="IImportWorkflow"/>) come from an
    /// adapter project and must be registered as singletons, since the handlers are singletons. A
    /// <see cref="TimeProvider"/> and an <see cref="IIdGenerator"/> are added unless already registered; the host adds logging.
    /// Bind configuration with <c>services.Configure&lt;BatchingOptions&gt;(config.GetSection("Gateway:Batching"))</c>
    /// or pass delegates here.
    /// </summary>
    public static IServiceCollection AddApplication(
        this IServiceCollection services,
        Action<ImportOptions>? configureImport = null,
        Action<BatchingOptions>? configureBatching = null)
    {
        // Options must be compile-time constants: the source generator reads them from this call.
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.GenerateTypesAsInternal = true;
            options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
        });

        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);

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

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdGenerator, UlidIdGenerator>();
        services.TryAddSingleton<OpenBatchRegistry>();
        services.TryAddSingleton<BatchManifestWriter>();
        services.TryAddSingleton<BatchCloser>();
        return services;
    }
}
