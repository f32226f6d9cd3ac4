using System.CommandLine;
using System.Diagnostics;
using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Gateway.Cli;

/// <summary><c>echo HOST PORT</c>: C-ECHO (verification) with our SCU.</summary>
public static class EchoCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("HOST") { Description = "The SCP's host name or address" };
        var port = new Argument<int>("PORT") { Description = "The SCP's DICOM port" };
        var calling = SendCommand.CallingAeOption();
        var called = SendCommand.CalledAeOption();
        var tls = SendCommand.TlsOption();
        var command = new Command("echo", "Send a C-ECHO (verification) and print the status") { host, port, calling, called, tls };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var client = new DicomClient(new DicomClientOptions
            {
                CallingAeTitle = parseResult.GetRequiredValue(calling),
                CalledAeTitle = parseResult.GetRequiredValue(called),
                UseTls = parseResult.GetValue(tls),
            });
            var h = parseResult.GetRequiredValue(host);
            var p = parseResult.GetRequiredValue(port);
            var watch = Stopwatch.StartNew();
            try
            {
                var status = await client.EchoAsync(h, p, cancellationToken);
                Console.WriteLine($"C-ECHO {h}:{p}: status {status} ({(status.IsSuccess ? "success" : "failure")}) in {watch.Elapsed.TotalMilliseconds:F0} ms");
                return status.IsSuccess ? 0 : 1;
            }
            catch (DicomNetworkException e)
            {
                await Console.Error.WriteLineAsync($"C-ECHO {h}:{p} failed: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
