namespace ImagingGateway.AwsLocal;

/// <summary>The <c>dotnet</c> executable that runs this tool, for the child .NET processes (functions, Gateway).</summary>
public static class DotnetHost
{
    public static string Path { get; } =
        System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
