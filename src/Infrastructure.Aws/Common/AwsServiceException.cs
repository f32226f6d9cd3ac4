using System.Net;

namespace ImagingGateway.Infrastructure.Aws.Common;

/// <summary>An error response of an AWS JSON service: its error code (the shape name), message and HTTP status.</summary>
public class AwsServiceException(string service, string errorCode, string message, HttpStatusCode statusCode)
    : Exception($"{service} {errorCode} ({(int)statusCode}): {message}")
{
    public string Service { get; } = service;

    public string ErrorCode { get; } = errorCode;

    public string ServiceMessage { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Throttling and server faults are worth another attempt; client faults are not.</summary>
    public bool IsRetryable =>
        (int)StatusCode >= 500
        || StatusCode == HttpStatusCode.TooManyRequests
        || ErrorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded";
}
