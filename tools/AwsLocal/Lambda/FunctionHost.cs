using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using ImagingGateway.AwsLocal.Template;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.AwsLocal.Lambda;

/// <summary>
/// One execution environment of one function: a child process (the LambdaRuntime host) started on the first
/// invocation, fed through a Runtime API endpoint of its own, one invocation at a time as Lambda does per environment.
/// Its environment is exactly the template's variables plus what the Lambda runtime sets, credentials naming the
/// function's role, and the emulators' endpoints.
/// </summary>
public sealed class FunctionHost : IDisposable
{
    private readonly HttpListener _runtimeApi;
    private readonly int _runtimeApiPort;
    private readonly Channel<Invocation> _queue = Channel.CreateUnbounded<Invocation>();
    private readonly Dictionary<string, Invocation> _running = new(StringComparer.Ordinal);
    private readonly Func<IDictionary<string, string>> _environment;
    private readonly string _logPath;
    private readonly object _gate = new();
    private readonly object _logGate = new();
    private readonly CancellationTokenSource _stop = new();
    private Process? _process;

    public FunctionHost(LambdaFunctionSpec spec, Func<IDictionary<string, string>> environment, string logPath)
    {
        Spec = spec;
        _environment = environment;
        _logPath = logPath;
        (_runtimeApi, _runtimeApiPort) = LoopbackHttpListener.Start();
        _ = Task.Run(() => LoopbackHttpListener.AcceptAsync(_runtimeApi, _stop.Token, ServeAsync));
    }

    public LambdaFunctionSpec Spec { get; }

    public int RuntimeApiPort => _runtimeApiPort;

    public async Task<InvocationResult> InvokeAsync(byte[] payload)
    {
        EnsureStarted();
        var invocation = new Invocation(payload);
        await _queue.Writer.WriteAsync(invocation);
        return await invocation.Result.Task;
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            _process?.Dispose();
        }
        _runtimeApi.Close();
    }

    private void EnsureStarted()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                return;
            }
            _process?.Dispose();
            var info = new ProcessStartInfo(DotnetHost.Path)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Environment.Clear();
            foreach (var (key, value) in _environment())
            {
                info.Environment[key] = value;
            }
            info.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{_runtimeApiPort}";
            info.ArgumentList.Add(info.Environment["LAMBDA_RUNTIME_DIR"] is { } dir ? Path.Combine(dir, "ImagingGateway.AwsLocal.LambdaRuntime.dll") : throw new InvalidOperationException("LAMBDA_RUNTIME_DIR"));
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Lambda runtime host");
            process.OutputDataReceived += (_, e) => Log(e.Data);
            process.ErrorDataReceived += (_, e) => Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => FailRunning($"the execution environment of {Spec.Name} exited ({SafeExitCode(process)})");
            _process = process;
        }
    }

    private static string SafeExitCode(Process p)
    {
        try
        {
            return p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private void FailRunning(string message)
    {
        List<Invocation> running;
        lock (_running)
        {
            running = _running.Values.ToList();
            _running.Clear();
        }
        foreach (var invocation in running)
        {
            invocation.Result.TrySetResult(new InvocationResult(ErrorDocument("Runtime.ExitError", message), "Unhandled"));
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_logGate)
        {
            File.AppendAllText(_logPath, line + "\n");
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod == "GET" && path.EndsWith("/runtime/invocation/next", StringComparison.Ordinal))
            {
                var invocation = await _queue.Reader.ReadAsync(_stop.Token);
                lock (_running)
                {
                    _running[invocation.RequestId] = invocation;
                }
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = Spec.Arn;
                response.ContentType = "application/json";
                await response.OutputStream.WriteAsync(invocation.Payload);
            }
            else if (context.Request.HttpMethod == "POST" && path.Contains("/runtime/invocation/", StringComparison.Ordinal))
            {
                var segments = path.Split('/');
                var requestId = segments[^2];
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                Invocation? invocation;
                lock (_running)
                {
                    _running.Remove(requestId, out invocation);
                }
                invocation?.Result.TrySetResult(new InvocationResult(body.ToArray(), segments[^1] == "error" ? "Unhandled" : null));
                response.StatusCode = 202;
            }
            else
            {
                // init/error: the constructor failed; the next invocation restarts the environment.
                response.StatusCode = 202;
            }
        }
        catch (OperationCanceledException)
        {
            response.StatusCode = 500;
        }
        finally
        {
            response.Close();
        }
    }

    public static byte[] ErrorDocument(string errorType, string message) =>
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["errorType"] = errorType, ["errorMessage"] = message }.ToJsonString());
}
