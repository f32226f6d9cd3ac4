using System.CommandLine;
using ImagingGateway.Gateway.Hosting;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// <c>serve [--port N] [--http-port N] [--data DIR] [--Gateway:Key=value ...]</c>: runs the gateway until SIGTERM or Ctrl+C.
/// Each option is also a configuration key (Gateway:Port, Gateway:HttpPort, Gateway:DataDirectory); the option wins.
/// </summary>
public static partial class ServeCommand
{
    private static readonly Option<int?> PortOption = new("--port") { Description = "DICOM port (Gateway:Port, default 11112)" };
    private static readonly Option<int?> HttpPortOption = new("--http-port") { Description = "HTTP port for health, metrics and the JSON API (Gateway:HttpPort, default 8080)" };
    private static readonly Option<int?> TlsPortOption = new("--tls-port") { Description = "DICOM TLS port, 0 = off (Gateway:TlsPort)" };
    private static readonly Option<string?> DataOption = new("--data") { Description = "Data directory of the local adapters (Gateway:DataDirectory, default ./data)" };
    private static readonly Option<string?> AeTitleOption = new("--ae-title") { Description = "Our AE title (Gateway:AeTitle, default IMAGINGGW)" };

    public static Command Create()
    {
        var command = new Command("serve", "Run the DICOM SCP and the import pipeline (the default verb). Further configuration: --Gateway:Key=value, GATEWAY__KEY environment variables or appsettings.json.")
        {
            PortOption, HttpPortOption, TlsPortOption, DataOption, AeTitleOption,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>();
        Put(overrides, "Gateway:Port", parseResult.GetValue(PortOption));
        Put(overrides, "Gateway:HttpPort", parseResult.GetValue(HttpPortOption));
        Put(overrides, "Gateway:TlsPort", parseResult.GetValue(TlsPortOption));
        if (parseResult.GetValue(DataOption) is { } data)
        {
            overrides["Gateway:DataDirectory"] = data;
        }

        if (parseResult.GetValue(AeTitleOption) is { } aeTitle)
        {
            overrides["Gateway:AeTitle"] = aeTitle;
        }

        var configArgs = parseResult.UnmatchedTokens.ToArray();
        if (!GatewayHost.TryConfigure(configArgs, overrides, out var builder, out _, out var errors))
        {
            await Console.Error.WriteLineAsync("The gateway cannot start: the configuration is invalid.");
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("  " + error);
            }

            return 2;
        }

        var app = GatewayHost.Build(builder);
        await using (app)
        {
            try
            {
                // The host stops on SIGTERM/SIGINT itself (graceful shutdown); the token here is not used to stop it.
                await app.RunAsync();
            }
            catch (IOException e) when (IsBindFailure(e))
            {
                // A port already taken (another gateway, another service): one line that names it, not a stack trace.
                await Console.Error.WriteLineAsync($"The gateway cannot start: {e.Message}");
                return 3;
            }
        }

        return 0;
    }

    /// <summary>A listening port that cannot be had: taken by another process, or reserved (below 1024 without the right).</summary>
    private static bool IsBindFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse or System.Net.Sockets.SocketError.AccessDenied or System.Net.Sockets.SocketError.AddressNotAvailable })
            {
                return true;
            }
        }

        return false;
    }

    private static void Put(Dictionary<string, string?> overrides, string key, int? value)
    {
        if (value is { } v)
        {
            overrides[key] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
