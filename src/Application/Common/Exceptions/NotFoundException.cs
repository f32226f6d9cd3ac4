namespace ImagingGateway.Application.Common.Exceptions;

/// <summary>Something a request names does not exist (a manifest, a stored object, a job).</summary>
public sealed class NotFoundException(string what, string id, string? detail = null)
    : Exception(detail is null ? $"{what} '{id}' was not found" : $"{what} '{id}' was not found: {detail}")
{
    public string What { get; } = what;

    public string Id { get; } = id;
}
