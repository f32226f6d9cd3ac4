using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>
/// Orthanc (Debian's 1.10, installed by tests/setup.d/15-orthanc.sh) as a child process on free loopback ports, with a
/// generated configuration: its own storage under a temp directory, no plugins, no authentication, and the Gateway as
/// the DICOM modality <c>gateway</c>. Killed (only this process) on dispose.
/// </summary>
public sealed class OrthancProcess : IAsyncDisposable
{
    public const string AeTitle = "ORTHANC";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private OrthancProcess(Process process, int dicomPort, int httpPort)
    {
        _process = process;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int DicomPort { get; }

    public HttpClient Http { get; }

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

    public static async Task<OrthancProcess> StartAsync(string directory, string gatewayAeTitle, int gatewayPort)
    {
        var orthanc = ProcessRunner.RequireTool("Orthanc");
        var ports = FreePorts.Take(2);
        var storage = Path.Combine(directory, "storage");
        Directory.CreateDirectory(storage);
        var config = new JsonObject
        {
            ["Name"] = "gateway-tests",
            ["StorageDirectory"] = storage,
            ["IndexDirectory"] = storage,
            ["HttpPort"] = ports[1],
            ["DicomPort"] = ports[0],
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["Plugins"] = new JsonArray(),
            ["DicomScuTimeout"] = 30,
            ["DicomModalities"] = new JsonObject
            {
                ["gateway"] = new JsonObject { ["AET"] = gatewayAeTitle, ["Host"] = "127.0.0.1", ["Port"] = gatewayPort },
            },
        };
        var configPath = Path.Combine(directory, "orthanc.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var psi = new ProcessStartInfo(orthanc)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        psi.ArgumentList.Add("--verbose");
        psi.ArgumentList.Add(configPath);
        psi.Environment["TMPDIR"] = Directory.CreateDirectory(Path.Combine(directory, "tmp")).FullName;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start Orthanc");
        var started = new OrthancProcess(process, ports[0], ports[1]);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await started.WaitReadyAsync();
        return started;
    }

    /// <summary>Uploads Part 10 files through the REST API; returns Orthanc's instance ids.</summary>
    public async Task<IReadOnlyList<string>> UploadAsync(IEnumerable<string> paths)
    {
        var ids = new List<string>();
        foreach (var path in paths)
        {
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
            using var response = await Http.PostAsync("/instances", content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"upload of {path}: {body}");
            ids.Add(JsonDocument.Parse(body).RootElement.GetProperty("ID").GetString()!);
        }

        return ids;
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body)
    {
        // Orthanc's REST API names its fields in PascalCase.
        using var response = await Http.PostAsJsonAsync(path, body, new JsonSerializerOptions());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}\n{Log}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Orthanc exited with {_process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("/system");
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

        await DisposeAsync();
        throw new TimeoutException($"Orthanc did not answer within {StartTimeout}:\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        _process.Dispose();
    }
}
