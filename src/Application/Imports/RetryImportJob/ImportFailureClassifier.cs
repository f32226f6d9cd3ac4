namespace ImagingGateway.Application.Imports.RetryImportJob;

/// <summary>
/// Decides whether retrying can fix a file HealthImaging failed to import. The reason is
/// <c>{exceptionType}: {message}</c> from FAILURE/failure.ndjson, and HealthImaging splits failed files into customer
/// errors and server errors (job-output-manifest.json: numberOfFilesWithCustomerError, numberOfFilesWithServerError;
/// https://docs.aws.amazon.com/healthimaging/latest/devguide/understanding-import-jobs.html). A customer error is in the
/// file itself (not a DICOM P10 file, a truncated or corrupt data set, missing or invalid UIDs, an element over
/// HealthImaging's length constraints, an unsupported SOP class or transfer syntax) and is reported as
/// <c>ValidationException</c>: the same bytes fail the same way again. Everything else (InternalServerException,
/// ThrottlingException, ServiceUnavailableException, AccessDeniedException once the role is fixed, an unreadable
/// input object, an unknown type) may succeed on another attempt, so it is retried.
/// </summary>
public static class ImportFailureClassifier
{
    /// <summary>The exception types that name a defect of the file itself.</summary>
    public static readonly IReadOnlyList<string> PermanentExceptionTypes = ["ValidationException"];

    /// <summary>Why retrying cannot fix the failure, or null when a retry may succeed.</summary>
    public static string? WhyNotRetryable(string reason)
    {
        var type = ExceptionTypeOf(reason);
        return type is not null && PermanentExceptionTypes.Contains(type, StringComparer.Ordinal)
            ? $"{type}: the file itself is invalid (a customer error), so importing it again fails the same way"
            : null;
    }

    /// <summary>The <c>exceptionType</c> a reason starts with, or null when it has none.</summary>
    public static string? ExceptionTypeOf(string reason)
    {
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        var head = (colon < 0 ? reason : reason[..colon]).Trim();
        return head.Length > 0 && head.All(char.IsAsciiLetterOrDigit) ? head : null;
    }
}
