namespace ImagingGateway.Lambda.Hosting;

/// <summary>The function's input cannot be used; retrying the same input cannot help.</summary>
public sealed class InvalidInputException(string function, string message) : Exception($"{function}: {message}");
