using System.Net;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>
/// HealthImaging still throttled after every retry. Named like the service's error so a Step Functions
/// <c>Retry</c> on <c>ThrottlingException</c> matches it when it leaves a Lambda function.
/// </summary>
public sealed class ThrottlingException(string message, HttpStatusCode statusCode)
    : HealthImagingException("ThrottlingException", message, statusCode);
