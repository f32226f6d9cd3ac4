using System.Text.Json.Nodes;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Lambda.Hosting;

namespace ImagingGateway.Lambda.Tests.Hosting;

/// <summary>
/// The managed dotnet10 runtime starts the function from ImagingGateway.Lambda.runtimeconfig.json and resolves its
/// assemblies with ImagingGateway.Lambda.deps.json (docs/contracts.md, "Lambda code"). Checks the Lambda project's own
/// build output, which the test's build produces, in the test's configuration.
/// </summary>
public sealed class LambdaPackageTests
{
    [Fact]
    public void GivenTheLambdaBuild_WhenItsOutputIsInspected_ThenItHasTheRuntimeConfigAndDepsListingEveryAssemblyTheHandlersLoad()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var output = Path.Combine(RepositoryPaths.Root, "src", "Hosts", "Lambda", "bin", testOutput.Parent!.Name, testOutput.Name);

        var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "ImagingGateway.Lambda.runtimeconfig.json")))!;
        Assert.Equal("Microsoft.NETCore.App", (string)runtimeConfig["runtimeOptions"]!["framework"]!["name"]!);
        Assert.StartsWith("10.", (string)runtimeConfig["runtimeOptions"]!["framework"]!["version"]!, StringComparison.Ordinal);

        var deps = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "ImagingGateway.Lambda.deps.json")))!;
        var runtimeAssemblies = deps["targets"]!.AsObject().Single().Value!.AsObject()
            .SelectMany(library => library.Value!["runtime"]?.AsObject().Select(file => Path.GetFileNameWithoutExtension(file.Key)) ?? [])
            .ToHashSet(StringComparer.Ordinal);
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var packaged = typeof(LambdaHost).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !File.Exists(Path.Combine(framework, n + ".dll")))
            .ToList();
        Assert.Contains("ImagingGateway.Infrastructure.Aws", packaged);
        Assert.All(packaged, name => Assert.Contains(name, runtimeAssemblies));
    }
}
