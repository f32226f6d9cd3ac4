using Amazon.Runtime;
using ImagingGateway.Infrastructure.Aws.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// Builds the adapters the way a host does (configuration + the Add… extensions), with the endpoint-override
/// variables given as a dictionary instead of the process environment, and the loopback servers' credentials.
/// </summary>
public static class AwsTestServices
{
    public static ServiceProvider Build(
        IDictionary<string, string?> configuration,
        IDictionary<string, string> environment,
        Action<IServiceCollection, IConfiguration> register)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var services = new ServiceCollection();
        services.AddSingleton(new AwsEndpoints(name => environment.TryGetValue(name, out var v) ? v : null));
        services.AddSingleton<AWSCredentials>(new BasicAWSCredentials(AwsModelServer.AccessKey, AwsModelServer.SecretKey));
        register(services, config);
        return services.BuildServiceProvider();
    }
}
