using System.Net;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>A HealthImaging error response that is neither a quota nor a conflict (those have their own types).</summary>
public class HealthImagingException(string errorCode, string message, HttpStatusCode statusCode)
    : AwsServiceException("medical-imaging", errorCode, message, statusCode);
