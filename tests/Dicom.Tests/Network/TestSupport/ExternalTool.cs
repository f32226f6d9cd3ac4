using System.Diagnostics;
using System.Text;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>Runs DCMTK and other tools with a timeout, capturing output; the process tree is killed in finally.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static string Require(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{name}' is not installed; run tests/setup.d/10-debian-packages.sh (DCMTK).");
    }

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var process = Start(tool, arguments, out var output);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{tool} did not finish within {timeout.TotalSeconds} s:\n{output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return new Result(process.ExitCode, output.ToString());
            }
        }
        finally
        {
            Kill(process);
            process.Dispose();
        }
    }

    /// <summary>Starts a long-running tool (a server); the caller must <see cref="Kill"/> it in finally.</summary>
    public static Process Start(string tool, IEnumerable<string> arguments, out StringBuilder output)
    {
        var info = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var captured = new StringBuilder();
        output = captured;
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (captured) { captured.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (captured) { captured.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
