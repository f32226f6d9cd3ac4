using System.Diagnostics;
using System.Text;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>Runs DCMTK's dcmdump (installed by tests/setup.d/10-debian-packages.sh); fails loudly when it is missing.</summary>
public static class Dcmdump
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    public static Result Run(params string[] arguments) => Run(Encoding.Latin1, arguments);

    public static Result Run(Encoding outputEncoding, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dcmdump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = outputEncoding,
            StandardErrorEncoding = Encoding.Latin1,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("dcmdump did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("dcmdump (DCMTK) is not installed; run tests/setup.d/10-debian-packages.sh (./test.sh does)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dcmdump {string.Join(' ', arguments)} did not finish in 60 s");
            }

            return new Result(process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
        }
    }
}
