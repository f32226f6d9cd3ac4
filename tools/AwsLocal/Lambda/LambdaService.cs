using System.Net;
using System.Text.Json.Nodes;
using ImagingGateway.AwsLocal.Template;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.AwsLocal.Lambda;

/// <summary>
/// The Lambda Invoke API on loopback (<c>POST /2015-03-31/functions/{name or ARN}/invocations</c>,
/// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): RequestResponse answers the function's payload, an
/// unhandled error with <c>X-Amz-Function-Error: Unhandled</c> and <c>{errorType, errorMessage}</c>; Event answers 202 and
/// runs the invocation in the background with Lambda's two retries. Other paths go to <see cref="Control"/>
/// (tools/AwsLocal's own endpoints, under <c>/_awslocal/</c>).
/// </summary>
public sealed class LambdaService : IDisposable
{
    private readonly HttpListener _listener;
    private readonly IReadOnlyList<FunctionHost> _functions;
    private readonly RequestLog _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _background = [];

    public LambdaService(IReadOnlyList<FunctionHost> functions, RequestLog log)
    {
        _functions = functions;
        _log = log;
        (_listener, Port) = LoopbackHttpListener.Start();
        Endpoint = $"http://127.0.0.1:{Port}";
        _ = Task.Run(() => LoopbackHttpListener.AcceptAsync(_listener, _stop.Token, ServeAsync));
    }

    public int Port { get; }

    public string Endpoint { get; }

    /// <summary>Serves <c>/_awslocal/...</c>: (method, path, body) → (status, JSON body).</summary>
    public Func<string, string, string, Task<(int Status, string Body)>>? Control { get; set; }

    public FunctionHost? Find(string nameOrArn)
    {
        var name = nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn.Split(':')[6] : nameOrArn;
        return _functions.FirstOrDefault(f => f.Spec.Name == name);
    }

    /// <summary>An asynchronous invocation (S3 notifications, EventBridge targets): up to three attempts, as Lambda retries twice.</summary>
    public void InvokeEvent(FunctionHost function, byte[] payload, string principal)
    {
        _log.Append(principal, "lambda:InvokeFunction", function.Spec.Arn);
        var task = Task.Run(async () =>
        {
            for (var attempt = 1; attempt <= 3 && !_stop.IsCancellationRequested; attempt++)
            {
                var result = await function.InvokeAsync(payload);
                if (result.FunctionError is null)
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        });
        lock (_background)
        {
            _background.Add(task);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var raw = request.RawUrl ?? "/";
        var path = raw.Split('?')[0];
        try
        {
            const string prefix = "/2015-03-31/functions/";
            if (request.HttpMethod == "POST" && path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("/invocations", StringComparison.Ordinal))
            {
                var name = Uri.UnescapeDataString(path[prefix.Length..^"/invocations".Length]);
                var principal = request.Headers["X-Amz-Security-Token"] ?? "anonymous";
                var function = Find(name);
                if (function is null)
                {
                    await WriteAsync(response, 404, new JsonObject { ["Type"] = "User", ["message"] = $"Function not found: {name}" }.ToJsonString(), "ResourceNotFoundException");
                    return;
                }
                if (string.Equals(request.Headers["X-Amz-Invocation-Type"], "Event", StringComparison.OrdinalIgnoreCase))
                {
                    InvokeEvent(function, body, principal);
                    response.StatusCode = 202;
                    return;
                }
                _log.Append(principal, "lambda:InvokeFunction", function.Spec.Arn);
                var result = await function.InvokeAsync(body);
                if (result.FunctionError is not null)
                {
                    response.Headers["X-Amz-Function-Error"] = result.FunctionError;
                }
                response.Headers["X-Amz-Executed-Version"] = "$LATEST";
                response.StatusCode = 200;
                response.ContentType = "application/json";
                await response.OutputStream.WriteAsync(result.Payload);
            }
            else if (path.StartsWith("/_awslocal/", StringComparison.Ordinal) && Control is not null)
            {
                var (status, json) = await Control(request.HttpMethod, path, System.Text.Encoding.UTF8.GetString(body));
                await WriteAsync(response, status, json, null);
            }
            else
            {
                await WriteAsync(response, 404, "{\"message\":\"not found\"}", "ResourceNotFoundException");
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{request.HttpMethod} {path} failed: {e}");
            await WriteAsync(response, 500, new JsonObject { ["message"] = e.ToString() }.ToJsonString(), "ServiceException");
        }
        finally
        {
            response.Close();
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string json, string? errorType)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (errorType is not null)
        {
            response.Headers["X-Amzn-ErrorType"] = errorType;
        }
        await response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json));
    }
}
