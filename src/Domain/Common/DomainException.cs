namespace ImagingGateway.Domain.Common;

/// <summary>A domain rule was broken; <see cref="Field"/> names the attribute at fault when there is one.</summary>
public sealed class DomainException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
