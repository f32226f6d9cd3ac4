namespace ImagingGateway.AwsLocal;

/// <summary>Where the parts run from: the repository's build outputs of the same configuration as this tool.</summary>
public sealed class LocalPaths(string configuration)
{
    public string Root { get; } = FindRoot();

    public string Configuration { get; } = configuration;

    public string LambdaProject => Path.Combine(Root, "src", "Hosts", "Lambda", "Lambda.csproj");

    /// <summary>The Lambda functions' code: <c>dotnet publish</c> output of src/Hosts/Lambda (what the CDK stages as the code asset).</summary>
    public string LambdaCode { get; set; } = "";

    public string LambdaRuntime => Path.Combine(Root, "tools", "AwsLocal.LambdaRuntime", "bin", Configuration, "net10.0", "ImagingGateway.AwsLocal.LambdaRuntime.dll");

    public string Gateway => Path.Combine(Root, "src", "Hosts", "Gateway", "bin", Configuration, "net10.0", "ImagingGateway.Gateway.dll");

    public string Tools => Path.Combine(Root, "tests", "tools");

    public string Emulators => Path.Combine(AppContext.BaseDirectory, "Emulators");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImagingGateway.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no ImagingGateway.slnx above {AppContext.BaseDirectory}");
    }
}
