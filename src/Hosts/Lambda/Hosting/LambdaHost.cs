using ImagingGateway.Application;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// The composition of one function: the Application use cases with only the AWS adapters its handler uses
/// (<see cref="LambdaPorts"/>), configured from the environment the deployment gives that function
/// (<c>GATEWAY__AWS__*</c>, docs/contracts.md), logging JSON lines to stdout (CloudWatch Logs). Ports the function does
/// not use are <see cref="PortNotComposed"/> stand-ins, and a setting is required only by the function that reads it,
/// at its first invocation (<see cref="RequireSettings"/>), so a function never fails for another's configuration.
/// </summary>
public static class LambdaHost
{
    /// <param name="function">The function's name, for error messages.</param>
    /// <param name="ports">The adapters to compose.</param>
    /// <param name="configuration">Holds <c>Gateway:Aws:*</c>.</param>
    /// <param name="overrides">Registrations made before the adapters', which they then keep (credentials, endpoints).</param>
    public static ServiceProvider Build(string function, LambdaPorts ports, IConfiguration configuration, Action<IServiceCollection>? overrides = null)
    {
        var services = new ServiceCollection();
        overrides?.Invoke(services);
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddJsonConsole(json =>
            {
                json.IncludeScopes = false;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                json.UseUtcTimestamp = true;
            }));

        services.AddAwsCore(configuration);
        Compose<IInstanceStore>(services, function, ports.HasFlag(LambdaPorts.InstanceStore), () => services.AddS3InstanceStore(configuration));
        Compose<IImportJobRepository>(services, function, ports.HasFlag(LambdaPorts.ImportJobs), () => services.AddDynamoDbImportJobs(configuration));
        Compose<IImagingService>(services, function, ports.HasFlag(LambdaPorts.Imaging), () => services.AddHealthImaging(configuration));
        Compose<IImportWorkflow>(services, function, ports.HasFlag(LambdaPorts.Workflow), () => services.AddStepFunctionsWorkflow(configuration));
        if (ports.HasFlag(LambdaPorts.InstanceIndex))
        {
            // Optional for the use cases, so a function without it gets none rather than a stand-in that throws.
            services.AddDynamoDbInstanceIndex(configuration);
        }

        services.AddApplication();
        // The raw stdout, not Console.Out: the .NET runtime may wrap Console.Out and prefix each line with the time and
        // request id, and CloudWatch only extracts a metric from a log event that is the EMF JSON document itself.
        services.TryAddSingleton(sp => new JobStatusMetrics(
            new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true }, sp.GetRequiredService<TimeProvider>()));
        // Empty unless set: a function that needs a value checks for it (RequireSettings), none falls back to a local default.
        services.AddSingleton<IConfigureOptions<ImportOptions>>(sp => new ConfigureOptions<ImportOptions>(import =>
        {
            var aws = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
            import.DatastoreId = aws.DatastoreId;
            import.DataAccessRoleArn = aws.DataAccessRoleArn;
            import.ResultsLocation = string.IsNullOrWhiteSpace(aws.ResultsBucket) ? string.Empty : $"s3://{aws.ResultsBucket}/";
        }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false });
    }

    /// <summary>The provider of a function the runtime constructs: composed from the process environment.</summary>
    public static Lazy<ServiceProvider> FromEnvironment(string function, LambdaPorts ports) =>
        new(() => Build(function, ports, new ConfigurationBuilder().AddEnvironmentVariables().Build()));

    /// <summary>Fails with the variable's name when one of <paramref name="keys"/> (<see cref="AwsOptions"/> names) is unset.</summary>
    public static void RequireSettings(IServiceProvider services, string function, params string[] keys)
    {
        var configuration = services.GetRequiredService<IConfiguration>().GetSection(AwsOptions.SectionName);
        foreach (var key in keys)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                throw new MissingSettingException(function, $"GATEWAY__AWS__{key.ToUpperInvariant()}");
            }
        }
    }

    private static void Compose<TPort>(IServiceCollection services, string function, bool used, Action add)
        where TPort : class
    {
        if (used)
        {
            add();
        }
        else
        {
            services.AddSingleton(PortNotComposed.Create<TPort>(function));
        }
    }
}
