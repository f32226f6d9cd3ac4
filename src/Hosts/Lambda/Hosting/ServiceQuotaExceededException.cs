namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// HealthImaging's quota error, under the name the state machine's Retry lists (docs/contracts.md): the runtime
/// reports a function error by its exception's type name.
/// </summary>
public sealed class ServiceQuotaExceededException(string message, Exception inner) : Exception(message, inner);
