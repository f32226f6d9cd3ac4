using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// One run of tools/AwsLocal, started as docs/aws.md says (the built tool, <c>--run-dir</c>), waited for until it prints
/// <c>ready</c>, and stopped with its process tree. Gives the run's <c>run.json</c>, its control endpoints and clients
/// signed with the harness's credentials.
/// </summary>
public sealed class AwsLocalRun : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public AwsLocalRun()
    {
        Root = FindRoot();
        RunDirectory = Directory.CreateTempSubdirectory("awslocal-test-").FullName;
        var configuration = Configuration;
        var tool = Path.Combine(Root, "tools", "AwsLocal", "bin", configuration, "net10.0", "ImagingGateway.AwsLocal.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        // The deployed quiet period (30 s) would make every import here wait for it; the template is otherwise the deployed one.
        foreach (var a in new[] { tool, "--run-dir", RunDirectory, "--context", "batchingQuietPeriodSeconds=2" })
        {
            info.ArgumentList.Add(a);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!Output.Contains("\nready", StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = Output;
                Dispose();
                throw new InvalidOperationException($"tools/AwsLocal did not become ready: {output}");
            }
            Thread.Sleep(200);
        }
        Run = JsonNode.Parse(File.ReadAllText(Path.Combine(RunDirectory, "run.json")))!.AsObject();
    }

    public string Root { get; }

    /// <summary>The build configuration of this test assembly, and so of the tool and the Gateway it runs.</summary>
    public static string Configuration =>
        typeof(AwsLocalRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    public string RunDirectory { get; }

    public JsonObject Run { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return "\n" + _output;
            }
        }
    }

    public string Endpoint(string service) => (string)Run["endpoints"]![service]!;

    public AWSCredentials Credentials => new SessionAWSCredentials((string)Run["accessKeyId"]!, (string)Run["secretAccessKey"]!, (string)Run["sessionToken"]!);

    public string JobTable => ((JsonArray)Run["tables"]!).Select(t => (string)t!).Single(t => t.Contains("DicomImportJobTable", StringComparison.Ordinal));

    public string InstanceTable => ((JsonArray)Run["tables"]!).Select(t => (string)t!).Single(t => t.Contains("ReceivedInstanceTable", StringComparison.Ordinal));

    public string ResultsBucket => ((JsonArray)Run["buckets"]!).Select(b => (string)b!).Single(b => b.Contains("results", StringComparison.Ordinal));

    public AmazonDynamoDBClient Dynamo() => new(Credentials, new AmazonDynamoDBConfig { ServiceURL = Endpoint("dynamodb"), AuthenticationRegion = (string)Run["region"]! });

    public AmazonS3Client S3() => new(Credentials, new AmazonS3Config { ServiceURL = Endpoint("s3"), ForcePathStyle = true, AuthenticationRegion = (string)Run["region"]! });

    public async Task<JsonNode> GetAsync(string controlPath) =>
        JsonNode.Parse(await _http.GetStringAsync(Endpoint("control") + controlPath))!;

    public async Task PostAsync(string controlPath, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Endpoint("control") + controlPath, content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Invokes a function through the Lambda Invoke API as a service would (RequestResponse): (function error, payload).</summary>
    public async Task<(string? FunctionError, JsonNode? Payload)> InvokeAsync(string functionArn, string payload, string principal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Endpoint("lambda")}/2015-03-31/functions/{Uri.EscapeDataString(functionArn)}/invocations")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Amz-Security-Token", principal);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var values) ? values.Single() : null;
        return (error, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<IReadOnlyList<JsonObject>> ExecutionsAsync() =>
        (await GetAsync("/executions")).AsArray().Select(e => e!.AsObject()).ToList();

    /// <summary>Waits for an execution whose name is not in <paramref name="known"/> to end; returns it.</summary>
    public async Task<JsonObject> WaitForNewExecutionAsync(IReadOnlySet<string> known, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var fresh = (await ExecutionsAsync()).Where(e => !known.Contains((string)e["name"]!)).ToList();
            if (fresh.Count > 0 && fresh.All(e => (string)e["status"]! != "RUNNING"))
            {
                return Assert.Single(fresh);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no new execution ended within {timeout}: {new JsonArray(fresh.Select(f => (JsonNode)f.DeepClone()).ToArray()).ToJsonString()}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Polls <paramref name="probe"/> every 250 ms until it returns a value; fails naming <paramref name="what"/> after the timeout.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}");
            }
            await Task.Delay(250);
        }
    }

    public async Task<HashSet<string>> ExecutionNamesAsync() => (await ExecutionsAsync()).Select(e => (string)e["name"]!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Sends the files to the Gateway with DCMTK storescu, in one association.</summary>
    public async Task StoreAsync(IEnumerable<string> files)
    {
        var info = new ProcessStartInfo("storescu") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-aec", (string)Run["aeTitle"]!, "127.0.0.1", ((int)Run["dicomPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(files))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("storescu (DCMTK) is not installed: run tests/setup.d/10-debian-packages.sh");
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"storescu failed ({process.ExitCode}): {output}");
    }

    /// <summary>The request log's lines, parsed.</summary>
    public IReadOnlyList<JsonObject> Requests() =>
        File.ReadAllLines((string)Run["requestLog"]!).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(15_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; a process may still hold a file.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImagingGateway.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no ImagingGateway.slnx above {AppContext.BaseDirectory}");
    }
}
