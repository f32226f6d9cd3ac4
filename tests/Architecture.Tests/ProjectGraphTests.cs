using System.Reflection;

namespace ImagingGateway.Architecture.Tests;

/// <summary>
/// The layering, pinned: the project graph points inward (hosts compose, adapters implement Application's ports, Domain
/// borrows only the toolkit's value grammar), the adapters neither drive use cases nor touch the mediator, and Domain does no I/O.
/// </summary>
public class ProjectGraphTests
{
    private static readonly Dictionary<string, string[]> PinnedGraph = new(StringComparer.Ordinal)
    {
        ["Dicom"] = [],
        ["Domain"] = ["Dicom"],
        ["Application"] = ["Domain", "Dicom"],
        ["Infrastructure.Local"] = ["Application"],
        ["Infrastructure.Aws"] = ["Application"],
        ["Gateway"] = ["Infrastructure.Local", "Infrastructure.Aws"],
        ["Lambda"] = ["Infrastructure.Aws"],
    };

    private static readonly Assembly[] InfrastructureAssemblies =
    [
        typeof(Infrastructure.Local.DependencyInjection).Assembly,
        typeof(Infrastructure.Aws.DependencyInjection).Assembly,
    ];

    /// <summary>What of Application an adapter may use: the ports and what they carry, not the use cases nor the mediator's behaviors.</summary>
    private static readonly string[] AllowedApplicationNamespaces =
    [
        "ImagingGateway.Application.Common.Contracts.",
        "ImagingGateway.Application.Common.Exceptions.",
        "ImagingGateway.Application.Common.Ids.",
        "ImagingGateway.Application.Common.Options.",
        "ImagingGateway.Application.Common.Ports.",
        "ImagingGateway.Application.Common.Serialization.",
    ];

    [Fact]
    public void GivenTheSrcProjects_WhenReadingTheirProjectReferences_ThenEachReferencesExactlyThePinnedProjects()
    {
        var projects = RepositoryFiles.SourceProjects();

        Assert.Equal(PinnedGraph.Keys.Order(StringComparer.Ordinal), projects.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, project) in projects)
        {
            Assert.True(PinnedGraph[name].ToHashSet().SetEquals(RepositoryFiles.ProjectReferences(project)),
                $"{name} references [{string.Join(", ", RepositoryFiles.ProjectReferences(project))}], pinned [{string.Join(", ", PinnedGraph[name])}]");
        }
    }

    [Fact]
    public void GivenTheInfrastructureProjects_WhenReadingTheirPackageReferences_ThenNoneIsTheMediator()
    {
        var infrastructure = RepositoryFiles.SourceProjects().Where(p => p.Key.StartsWith("Infrastructure.", StringComparison.Ordinal)).ToList();

        Assert.Equal(["Infrastructure.Aws", "Infrastructure.Local"], infrastructure.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, project) in infrastructure)
        {
            var mediator = RepositoryFiles.PackageReferences(project).Where(p => p.StartsWith("Mediator", StringComparison.Ordinal)).ToList();
            Assert.True(mediator.Count == 0, $"{name} references {string.Join(", ", mediator)}");
        }
    }

    [Theory]
    [InlineData("ImagingGateway.Infrastructure.Local")]
    [InlineData("ImagingGateway.Infrastructure.Aws")]
    public void GivenABuiltInfrastructureAssembly_WhenReadingWhatItReferences_ThenNeitherTheMediatorNorAUseCaseIsAmongIt(string assemblyName)
    {
        var assembly = InfrastructureAssemblies.Single(a => a.GetName().Name == assemblyName);

        Assert.DoesNotContain(AssemblyReferences.AssemblyNames(assembly), a => a.StartsWith("Mediator", StringComparison.Ordinal));
        var types = AssemblyReferences.TypeNames(assembly);
        Assert.DoesNotContain(types, t => t.StartsWith("Mediator.", StringComparison.Ordinal));
        Assert.DoesNotContain(types, t => t.StartsWith("Microsoft.Extensions.Hosting.", StringComparison.Ordinal));
        var useCases = types.Where(t => t.StartsWith("ImagingGateway.Application.", StringComparison.Ordinal)
            && !AllowedApplicationNamespaces.Any(ns => t.StartsWith(ns, StringComparison.Ordinal))).ToList();
        Assert.True(useCases.Count == 0, $"{assemblyName} uses Application types beyond its ports and contracts: {string.Join(", ", useCases)}");
    }

    [Fact]
    public void GivenTheDomainProject_WhenReadingItsReferences_ThenItHasNoPackagesAndNoIo()
    {
        var project = RepositoryFiles.SourceProjects()["Domain"];
        var assembly = typeof(Domain.Imports.ImportJob).Assembly;

        Assert.Empty(RepositoryFiles.PackageReferences(project));
        var assemblies = AssemblyReferences.AssemblyNames(assembly);
        Assert.All(assemblies, a => Assert.True(a.StartsWith("System.", StringComparison.Ordinal) || a is "netstandard" or "ImagingGateway.Dicom", $"Domain references {a}"));
        Assert.DoesNotContain(assemblies, a => a.StartsWith("System.Net.", StringComparison.Ordinal) || a.StartsWith("System.Data", StringComparison.Ordinal));
        string[] io = ["System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.IO.Pipelines.", "System.Net.", "System.Data.", "System.Diagnostics.Process"];
        var found = AssemblyReferences.TypeNames(assembly).Where(t => io.Any(prefix => t.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        Assert.True(found.Count == 0, $"Domain does I/O through {string.Join(", ", found)}");

        // The UID and AE title grammar has its one home in the toolkit's Values; nothing else of the toolkit (its network and file code) may reach Domain.
        var toolkit = AssemblyReferences.TypeNames(assembly).Where(t => t.StartsWith("ImagingGateway.Dicom.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(toolkit);
        Assert.All(toolkit, t => Assert.StartsWith("ImagingGateway.Dicom.Values.", t, StringComparison.Ordinal));
    }
}
