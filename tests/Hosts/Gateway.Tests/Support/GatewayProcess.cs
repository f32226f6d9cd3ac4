using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>
/// The gateway executable (the built ImagingGateway.Gateway.dll) as a child process on free loopback ports with its
/// own data directory, so tests can SIGKILL it and restart it on the same data.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private GatewayProcess(Process process, string dataDirectory, int port, int httpPort)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Port = port;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The built gateway: next to the test assembly (the project reference copies it there).</summary>
    public static string DllPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "ImagingGateway.Gateway.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the gateway was not built next to the tests", path);
        }
    }

    public static async Task<GatewayProcess> StartAsync(
        string dataDirectory, IDictionary<string, string>? env = null, IEnumerable<string>? extraArgs = null, int? port = null, int? httpPort = null)
    {
        var ports = FreePorts.Take(2);
        var p = port ?? ports[0];
        var h = httpPort ?? ports[1];
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { DllPath, "serve", "--port", p.ToString(), "--http-port", h.ToString(), "--data", dataDirectory, "--Gateway:ListenAddress=127.0.0.1" })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in extraArgs ?? [])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var gateway = new GatewayProcess(process, dataDirectory, p, h);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitReadyAsync();
        return gateway;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited with {_process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await KillAsync();
        throw new TimeoutException($"the gateway did not become ready within {StartTimeout}:\n{Log}");
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        return await Http.GetFromJsonAsync<JsonElement>(path);
    }

    public async Task<long> InstancesStoredAsync() => (await GetJsonAsync("/api/stats")).GetProperty("instancesStored").GetInt64();

    /// <summary>Polls <paramref name="condition"/> every 200 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGTERM (what Fargate sends), then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()], TimeSpan.FromSeconds(10));
            Assert.True(kill.ExitCode == 0 || _process.HasExited, kill.Output);
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
