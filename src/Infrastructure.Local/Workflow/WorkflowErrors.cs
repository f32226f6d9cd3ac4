using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>The error name a task failure would have in Step Functions, which the retriers match on.</summary>
public static class WorkflowErrors
{
    public const string Throttling = "ThrottlingException";
    public const string ServiceQuotaExceeded = "ServiceQuotaExceededException";

    public static string NameOf(Exception exception) => exception switch
    {
        ImagingQuotaExceededException => ServiceQuotaExceeded,
        _ when exception.GetType().Name.Contains("Throttl", StringComparison.OrdinalIgnoreCase) => Throttling,
        _ => exception.GetType().Name,
    };

    public static bool IsQuota(string errorName) => errorName is Throttling or ServiceQuotaExceeded;
}
