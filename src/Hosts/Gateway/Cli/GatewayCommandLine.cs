using System.CommandLine;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// The executable's verbs: <c>serve</c> (the default), <c>echo</c>, <c>send</c>, <c>jobs list</c>, <c>jobs show</c>, <c>jobs retry</c>, <c>instances show</c>.
/// </summary>
public static class GatewayCommandLine
{
    public static RootCommand Create()
    {
        var serve = ServeCommand.Create();
        var root = new RootCommand("Imaging Gateway: a DICOM C-STORE receiver that imports into AWS HealthImaging (or its local stand-in).")
        {
            serve,
            EchoCommand.Create(),
            SendCommand.Create(),
            JobsCommand.Create(),
            InstancesCommand.Create(),
        };

        // No verb means serve, with serve's options (so "gateway --port 104" works too).
        foreach (var option in serve.Options)
        {
            root.Options.Add(option);
        }

        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(ServeCommand.RunAsync);
        return root;
    }

    public static Task<int> InvokeAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        // The host handles SIGTERM itself (graceful shutdown with a grace period); System.CommandLine would otherwise
        // cancel and force the process down after 2 s.
        return parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
