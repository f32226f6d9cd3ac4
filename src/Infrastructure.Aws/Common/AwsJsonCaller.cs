using System.Net;
using System.Text.Json.Serialization.Metadata;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ImagingGateway.Infrastructure.Aws.Common;

/// <summary>
/// Sends JSON requests to one AWS service: each attempt builds a fresh message, which the SigV4 handler below
/// signs with a fresh timestamp (retries sit above signing, as <see cref="SigV4SigningHandler"/> requires).
/// Throttling, 5xx and transport failures are retried with jittered exponential backoff; everything else is thrown
/// as an <see cref="AwsServiceException"/> at once.
/// </summary>
public sealed class AwsJsonCaller
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;

    public AwsJsonCaller(string service, HttpClient http, AwsOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        Service = service;
        _http = http;
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        _pipeline = builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<AwsServiceException>(e => e.IsRetryable)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(20),
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "{Service}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms",
                        service,
                        args.AttemptNumber + 1,
                        args.Outcome.Exception?.Message,
                        (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.RequestTimeout)
            .Build();
    }

    public string Service { get; }

    public async Task<TResponse> SendAsync<TResponse>(
        Func<HttpRequestMessage> createRequest, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        return await _pipeline.ExecuteAsync(
            async ct =>
            {
                using var request = createRequest();
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw await AwsErrorReader.ReadAsync(Service, response, ct);
                }

                await using var body = await response.Content.ReadAsStreamAsync(ct);
                return await System.Text.Json.JsonSerializer.DeserializeAsync(body, responseType, ct)
                    ?? throw new AwsServiceException(Service, "EmptyResponse", "the response has no body", response.StatusCode);
            },
            cancellationToken);
    }

    /// <summary>
    /// An HttpClient that signs for <paramref name="signingName"/> in <paramref name="region"/> and never follows
    /// redirects (a followed redirect would not be re-signed).
    /// </summary>
    public static HttpClient CreateSignedClient(AWSCredentials credentials, RegionEndpoint region, string signingName, Uri endpoint) =>
        new(new SigV4SigningHandler(
            credentials,
            region,
            signingName,
            new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.None,
            }))
        {
            BaseAddress = endpoint,
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
