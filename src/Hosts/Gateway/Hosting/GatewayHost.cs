using System.Diagnostics.CodeAnalysis;
using System.Net;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using ImagingGateway.Gateway.Http;
using ImagingGateway.Gateway.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Composes the gateway: configuration, adapters, and Kestrel with the DICOM ports (<see cref="DicomConnectionHandler"/>
/// on <see cref="DicomSocketTransportFactory"/>) and the HTTP port (health, metrics, the JSON API).
/// </summary>
public static class GatewayHost
{
    /// <summary>
    /// Builds the host, or returns the configuration errors (each naming its key) without building anything.
    /// <paramref name="configArgs"/> are command-line configuration (<c>--Gateway:Key=value</c>);
    /// <paramref name="overrides"/> win over every other source.
    /// </summary>
    public static bool TryBuild(
        string[] configArgs,
        IReadOnlyDictionary<string, string?> overrides,
        [NotNullWhen(true)] out WebApplication? app,
        out IReadOnlyList<string> errors)
    {
        app = TryConfigure(configArgs, overrides, out var builder, out _, out errors) ? Build(builder) : null;
        return app is not null;
    }

    /// <summary>
    /// The first half of <see cref="TryBuild"/>: the configuration read and validated into <paramref name="options"/>,
    /// and the services and Kestrel set up on <paramref name="builder"/>, with nothing built yet.
    /// </summary>
    public static bool TryConfigure(
        string[] configArgs,
        IReadOnlyDictionary<string, string?> overrides,
        [NotNullWhen(true)] out WebApplicationBuilder? builder,
        [NotNullWhen(true)] out GatewayOptions? options,
        out IReadOnlyList<string> errors)
    {
        builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(overrides);

        if (!TryReadOptions(builder.Configuration, out options, out errors))
        {
            builder = null;
            return false;
        }

        // Relative data directories are relative to where the command runs, not to the executable.
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DataDirectory"] = options.DataDirectory });

        ConfigureServices(builder, options);
        ConfigureKestrel(builder, options);
        return true;
    }

    /// <summary>The second half of <see cref="TryBuild"/>: the host and its HTTP endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        HttpEndpoints.Map(app);
        return app;
    }

    /// <summary>The file-system store's journal settings (<c>Gateway:Local:Storage:Journal</c>), checked before anything starts.</summary>
    private static string? CheckLocalStorage(IConfiguration configuration)
    {
        try
        {
            GatewayComposition.ReadLocalOptions(configuration).Storage.Journal.Validate();
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return $"{GatewayComposition.LocalSectionName}:Storage:{e.Message}";
        }
    }

    /// <summary>Binds the <c>Gateway</c> section and validates it; a value of the wrong type is reported with its key.</summary>
    public static bool TryReadOptions(IConfiguration configuration, [NotNullWhen(true)] out GatewayOptions? options, out IReadOnlyList<string> errors)
    {
        options = null;
        GatewayOptions bound;
        try
        {
            bound = configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value at 'Gateway:Port' to type 'System.Int32'."
            errors = [e.Message + (e.InnerException is { } inner ? " " + inner.Message : string.Empty)];
            return false;
        }

        var found = GatewayOptionsValidator.Check(bound);
        if (bound.Adapters.Storage == StorageAdapter.FileSystem && CheckLocalStorage(configuration) is { } storageError)
        {
            found = [.. found, storageError];
        }

        errors = found;
        if (found.Count > 0)
        {
            return false;
        }

        options = bound;
        return true;
    }

    private static void ConfigureServices(WebApplicationBuilder builder, GatewayOptions options)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.Configure<HostOptions>(h =>
        {
            // Kestrel waits for the associations, which abort themselves after the grace period; the margin lets them
            // close their batches before the host gives up.
            h.ShutdownTimeout = options.ShutdownGracePeriod + TimeSpan.FromSeconds(15);
        });

        services.AddSingleton<GatewayStats>();
        services.AddSingleton<JobStatusSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobStatusSampler>());
        services.AddSingleton<GatewayMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // Kestrel's own meter counts connections on every port, the DICOM ones included (server_port tells them apart).
            .AddMeter(GatewayMetrics.MeterName, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<StoresHealthCheck>("stores", tags: ["ready"]);

        GatewayComposition.AddPipeline(services, builder.Configuration, options);
        services.AddSingleton<AssociationRegistry>();
        services.AddSingleton<PendingConnections>();
        services.AddSingleton<DicomSettings>();
        services.AddSingleton<StoreBridge>();
        services.AddSingleton<CommitmentChannels>();
        services.AddSingleton<CommitmentReporter>();
        services.AddSingleton<CommitmentBridge>();
        services.AddSingleton<DicomConnectionHandler>();
        // Registered after Kestrel's socket transport, so Kestrel asks it first; it binds only the DICOM endpoints.
        services.AddSingleton<IConnectionListenerFactory, DicomSocketTransportFactory>();
        // Kestrel starts after every hosted service: associations are accepted once the open batches of the last run
        // are dealt with.
        services.AddHostedService<BatchRecoveryService>();
        services.AddHostedService<StorageCommitmentNotice>();
        if (options.StorageCommitment.IsOffered(options.Adapters, options.Aws))
        {
            services.AddHostedService(sp => sp.GetRequiredService<CommitmentReporter>());
        }
        services.AddHostedService<QuietBatchService>();
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, GatewayOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var address = string.IsNullOrEmpty(options.ListenAddress) ? null : IPAddress.Parse(options.ListenAddress);
            kestrel.Listen(new DicomEndPoint(address, options.Port, tls: false), dicom => dicom.UseConnectionHandler<DicomConnectionHandler>());
            if (options.TlsPort != 0)
            {
                var tls = new DicomTlsServer(TlsCertificates.DicomTlsOptions(options.Tls, options.AssociationRequestTimeout));
                var logger = kestrel.ApplicationServices.GetRequiredService<ILogger<DicomTlsConnectionMiddleware>>();
                var pending = kestrel.ApplicationServices.GetRequiredService<PendingConnections>();
                kestrel.Listen(new DicomEndPoint(address, options.TlsPort, tls: true), dicom => dicom
                    .Use(next => new DicomTlsConnectionMiddleware(next, tls, pending, logger).OnConnectionAsync)
                    .UseConnectionHandler<DicomConnectionHandler>());
            }

            Action<ListenOptions> http = o => o.Protocols = HttpProtocols.Http1;
            if (address is null)
            {
                kestrel.ListenAnyIP(options.HttpPort, http);
            }
            else
            {
                kestrel.Listen(address, options.HttpPort, http);
            }
        });
    }
}
