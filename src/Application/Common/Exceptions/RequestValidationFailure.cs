namespace ImagingGateway.Application.Common.Exceptions;

/// <summary>One broken rule: the property path (as FluentValidation names it) and what is wrong with its value.</summary>
public sealed record RequestValidationFailure(string Field, string Message);
