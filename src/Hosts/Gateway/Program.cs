using ImagingGateway.Gateway.Cli;

namespace ImagingGateway.Gateway;

public static class Program
{
    public static Task<int> Main(string[] args) => GatewayCommandLine.InvokeAsync(args);
}
