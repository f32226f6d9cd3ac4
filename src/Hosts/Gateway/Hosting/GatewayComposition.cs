using ImagingGateway.Gateway.Configuration;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>Registers the application core and the adapters <c>Gateway:Adapters:*</c> choose.</summary>
public static class GatewayComposition
{
    public static void AddPipeline(IServiceCollection services, IConfiguration configuration, GatewayOptions options)
    {
        _ = services;
        _ = configuration;
        _ = options;
    }
}
