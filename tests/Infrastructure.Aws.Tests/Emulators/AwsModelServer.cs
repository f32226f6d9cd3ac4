using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// A loopback HTTP server that speaks one AWS JSON service. Every request is checked against the service model and
/// its SigV4 signature recomputed (<see cref="SigV4Verifier"/>); a request that fails either is answered 400 and its
/// errors are kept in <see cref="Violations"/>, which tests assert empty. Valid requests go to <see cref="Handler"/>.
/// </summary>
public sealed class AwsModelServer : IDisposable
{
    public const string AccessKey = S3rverFixture.AccessKey;
    public const string SecretKey = S3rverFixture.SecretKey;
    public const string Region = "eu-west-1";

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _violations = [];
    private readonly List<ServiceCall> _calls = [];

    public AwsModelServer(ServiceModel model, Func<ServiceCall, ServiceResponse> handler)
    {
        Model = model;
        Handler = handler;
        (_listener, Port) = LoopbackHttpListener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{Port}/");
        _loop = Task.Run(() => LoopbackHttpListener.AcceptAsync(_listener, _stop.Token, ServeAsync));
    }

    public ServiceModel Model { get; }

    public Func<ServiceCall, ServiceResponse> Handler { get; set; }

    public int Port { get; }

    public Uri Endpoint { get; }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations)
            {
                return _violations.ToList();
            }
        }
    }

    public IReadOnlyList<ServiceCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToList();
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under the loop.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var raw = request.RawUrl ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? raw : raw[..q];
        var rawQuery = q < 0 ? string.Empty : raw[(q + 1)..];
        // Headers[name], not GetValues: HttpListener splits values at commas (Authorization has three).
        var headers = request.Headers.AllKeys
            .Select(k => new KeyValuePair<string, string>(k!, request.Headers[k!]!))
            .ToList();

        var match = Model.Validate(request.HttpMethod, rawPath, rawQuery, name => request.Headers[name], body);
        var errors = match.Errors.ToList();
        var signatureError = SigV4Verifier.Verify(
            new SigV4Verifier.Request(request.HttpMethod, rawPath, rawQuery, headers, body), AccessKey, SecretKey, Region, Model.SigningName, DateTimeOffset.UtcNow);
        if (signatureError is not null)
        {
            errors.Add("SigV4: " + signatureError);
        }

        ServiceResponse response;
        if (errors.Count > 0)
        {
            lock (_violations)
            {
                _violations.AddRange(errors.Select(e => $"{match.Operation}: {e}"));
            }

            response = ServiceResponse.Error(400, "ModelViolation", string.Join("; ", errors));
        }
        else
        {
            var call = new ServiceCall(match.Operation, match.Input, headers);
            lock (_calls)
            {
                _calls.Add(call);
            }

            try
            {
                response = Handler(call);
            }
            catch (Exception e)
            {
                response = ServiceResponse.Error(500, "InternalServerException", e.Message);
            }

            if (response.Status == 200)
            {
                lock (_violations)
                {
                    _violations.AddRange(Model.ValidateOutput(match.Operation, response.Body).Select(e => $"{match.Operation}: {e}"));
                }
            }
        }

        var bytes = Encoding.UTF8.GetBytes(response.Body);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = Model.Protocol == "json" ? "application/x-amz-json-1.0" : "application/json";
        if (response.ErrorType is not null && Model.Protocol == "rest-json")
        {
            context.Response.Headers["X-Amzn-ErrorType"] = response.ErrorType;
        }

        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
