namespace ImagingGateway.Application.Common.Exceptions;

/// <summary>
/// A request failed validation. Each failure names the request property at fault (e.g. <c>SopInstanceUid</c>),
/// so a host can answer with a precise message instead of a generic error.
/// </summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(string requestName, IReadOnlyList<RequestValidationFailure> failures)
        : base($"{requestName} is invalid: {string.Join("; ", failures.Select(f => $"{f.Field}: {f.Message}"))}")
    {
        RequestName = requestName;
        Failures = failures;
    }

    public string RequestName { get; }

    public IReadOnlyList<RequestValidationFailure> Failures { get; }
}
