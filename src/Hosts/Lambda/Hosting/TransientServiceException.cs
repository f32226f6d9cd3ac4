namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// A failure that another attempt may not meet (a 5xx, a throttled AWS call after the SDK's own retries, a network
/// error), under the name the state machine's Retry lists; every other error name is permanent and goes to Catch.
/// </summary>
public sealed class TransientServiceException(string message, Exception inner) : Exception(message, inner);
