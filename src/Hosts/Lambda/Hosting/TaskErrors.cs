using System.Net;
using Amazon.Runtime;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Common;
using ImagingGateway.Infrastructure.Aws.HealthImaging;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// Gives a workflow task's failure the error name its Retry and Catch rules match (the runtime reports an unhandled
/// exception by its type name): <c>ThrottlingException</c> and <c>ServiceQuotaExceededException</c> are quota waits,
/// <see cref="TransientServiceException"/> a transient fault, and anything else is permanent (docs/contracts.md).
/// </summary>
public static class TaskErrors
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> task)
    {
        try
        {
            return await task();
        }
        catch (ImagingQuotaExceededException e)
        {
            throw new ServiceQuotaExceededException(e.Message, e);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new TransientServiceException(e.Message, e);
        }
    }

    public static bool IsTransient(Exception e) => e switch
    {
        ThrottlingException => false,
        AwsServiceException aws => aws.IsRetryable,
        AmazonServiceException sdk => (int)sdk.StatusCode >= 500
            || sdk.StatusCode == HttpStatusCode.TooManyRequests
            || sdk.ErrorCode is "ThrottlingException" or "ProvisionedThroughputExceededException" or "RequestLimitExceeded" or "SlowDown",
        HttpRequestException or TimeoutException => true,
        TaskCanceledException cancelled => cancelled.InnerException is TimeoutException,
        _ => false,
    };
}
