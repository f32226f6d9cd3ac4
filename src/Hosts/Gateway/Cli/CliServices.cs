using ImagingGateway.Gateway.Hosting;

namespace ImagingGateway.Gateway.Cli;

/// <summary>The adapters a one-shot command needs, read from the same configuration sources as <c>serve</c>.</summary>
public static class CliServices
{
    public static ServiceProvider? Build(string? dataDirectory, IReadOnlyList<string> configArgs, out IReadOnlyList<string> errors)
    {
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine([.. configArgs]);
        if (dataDirectory is not null)
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DataDirectory"] = dataDirectory });
        }

        if (!GatewayHost.TryReadOptions(configuration, out var options, out errors))
        {
            return null;
        }

        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DataDirectory"] = options.DataDirectory });
        var services = new ServiceCollection();
        // Logs go to stderr: stdout is the command's answer (JSON with --json), which scripts parse.
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        GatewayComposition.AddPipeline(services, configuration, options);
        return services.BuildServiceProvider();
    }

    public static int ReportConfigurationErrors(IReadOnlyList<string> errors)
    {
        Console.Error.WriteLine("The configuration is invalid.");
        foreach (var error in errors)
        {
            Console.Error.WriteLine("  " + error);
        }

        return 2;
    }
}
