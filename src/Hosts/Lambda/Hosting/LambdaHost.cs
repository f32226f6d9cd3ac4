using ImagingGateway.Application;
using ImagingGateway.Infrastructure.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// The composition of every function: the Application use cases with the four AWS adapters, configured from the
/// environment (<c>GATEWAY__AWS__*</c>, docs/contracts.md), logging JSON lines to stdout (CloudWatch Logs).
/// Built once per execution environment, on the first invocation.
/// </summary>
public static class LambdaHost
{
    private static readonly Lazy<ServiceProvider> Default = new(() => Build(new ConfigurationBuilder().AddEnvironmentVariables().Build()));

    /// <summary>The provider the runtime's parameterless constructors use.</summary>
    public static IServiceProvider Shared => Default.Value;

    /// <param name="configuration">Holds <c>Gateway:Aws:*</c>.</param>
    /// <param name="overrides">Registrations made before the adapters', which they then keep (credentials, endpoints).</param>
    public static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection>? overrides = null)
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

        services.AddS3InstanceStore(configuration);
        services.AddDynamoDbImportJobs(configuration);
        services.AddHealthImaging(configuration);
        services.AddStepFunctionsWorkflow(configuration);
        services.AddApplication();
        services.AddSingleton<IConfigureOptions<Application.Common.Options.ImportOptions>>(sp =>
            new ConfigureOptions<Application.Common.Options.ImportOptions>(import =>
            {
                var aws = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
                import.DatastoreId = Required(aws.DatastoreId, "DatastoreId");
                import.DataAccessRoleArn = Required(aws.DataAccessRoleArn, "DataAccessRoleArn");
                import.ResultsLocation = $"s3://{Required(aws.ResultsBucket, "ResultsBucket")}/";
            }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false });
    }

    private static string Required(string value, string key) => string.IsNullOrWhiteSpace(value)
        ? throw new InvalidOperationException($"GATEWAY__AWS__{key.ToUpperInvariant()} is not set")
        : value;
}
