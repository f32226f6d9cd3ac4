namespace ImagingGateway.Lambda.Hosting;

/// <summary>A setting the function needs is not in its environment; retrying cannot help.</summary>
public sealed class MissingSettingException(string function, string variable)
    : Exception($"{function}: environment variable {variable} is not set; the deployment (deploy/) must set it for this function")
{
    public string Variable { get; } = variable;
}
