using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>
/// A thin restJson1 client for the three import operations of AWS HealthImaging (service <c>medical-imaging</c>,
/// endpoint <c>https://medical-imaging.{region}.amazonaws.com</c>; these operations have no host prefix).
/// Requests are signed by the <see cref="Amazon.Runtime.Signing.SigV4SigningHandler"/> under the caller's HttpClient.
/// </summary>
public sealed class HealthImagingClient(AwsJsonCaller caller)
{
    public const string SigningName = "medical-imaging";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static Uri DefaultEndpoint(string region) => new($"https://medical-imaging.{region}.amazonaws.com/");

    /// <summary>POST /startDICOMImportJob/datastore/{datastoreId}</summary>
    public Task<StartDicomImportJobResponse> StartDicomImportJobAsync(string datastoreId, StartDicomImportJobBody body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, HealthImagingJsonContext.Default.StartDicomImportJobBody);
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"startDICOMImportJob/datastore/{Label(datastoreId)}")
            {
                Content = new ByteArrayContent(json) { Headers = { ContentType = Json } },
            },
            HealthImagingJsonContext.Default.StartDicomImportJobResponse,
            cancellationToken);
    }

    /// <summary>GET /getDICOMImportJob/datastore/{datastoreId}/job/{jobId}</summary>
    public Task<GetDicomImportJobResponse> GetDicomImportJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, $"getDICOMImportJob/datastore/{Label(datastoreId)}/job/{Label(jobId)}"),
            HealthImagingJsonContext.Default.GetDicomImportJobResponse,
            cancellationToken);

    /// <summary>GET /listDICOMImportJobs/datastore/{datastoreId}?jobStatus&amp;nextToken&amp;maxResults</summary>
    public Task<ListDicomImportJobsResponse> ListDicomImportJobsAsync(
        string datastoreId, string? jobStatus, string? nextToken, int? maxResults, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        Add("jobStatus", jobStatus);
        Add("maxResults", maxResults?.ToString(CultureInfo.InvariantCulture));
        Add("nextToken", nextToken);
        var uri = $"listDICOMImportJobs/datastore/{Label(datastoreId)}{query}";
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, uri),
            HealthImagingJsonContext.Default.ListDicomImportJobsResponse,
            cancellationToken);
    }

    private async Task<T> SendAsync<T>(
        Func<HttpRequestMessage> request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await caller.SendAsync(request, type, cancellationToken);
        }
        catch (AwsServiceException e) when (e is not HealthImagingException)
        {
            throw e.ErrorCode switch
            {
                "ServiceQuotaExceededException" => new ImagingQuotaExceededException($"HealthImaging: {e.ServiceMessage}"),
                "ConflictException" => new ImagingConflictException($"HealthImaging: {e.ServiceMessage}"),
                "ThrottlingException" => new ThrottlingException(e.ServiceMessage, e.StatusCode),
                _ => new HealthImagingException(e.ErrorCode, e.ServiceMessage, e.StatusCode),
            };
        }
    }

    /// <summary>A URI label, percent-encoded (RFC 3986 unreserved characters stay as they are).</summary>
    private static string Label(string value) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("a URI label must not be empty") : Uri.EscapeDataString(value);
}
