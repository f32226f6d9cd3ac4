using Amazon.Runtime;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// Gives an AWS SDK client an HttpClient whose requests pass through <see cref="Intercept"/> first: tests record
/// requests, corrupt bodies or fail a chosen request there.
/// </summary>
public sealed class RecordingHttpClientFactory : HttpClientFactory
{
    private readonly List<HttpRequestMessage> _requests = [];

    /// <summary>Return a response to answer the request without sending it; null to send it on.</summary>
    public Func<HttpRequestMessage, Task<HttpResponseMessage?>>? Intercept { get; set; }

    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new Handler(this) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } }) { Timeout = TimeSpan.FromMinutes(5) };

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    private sealed class Handler(RecordingHttpClientFactory owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (owner._requests)
            {
                owner._requests.Add(request);
            }

            if (owner.Intercept is { } intercept && await intercept(request) is { } response)
            {
                return response;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
