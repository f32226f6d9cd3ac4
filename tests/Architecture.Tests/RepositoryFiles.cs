using System.Xml.Linq;

namespace ImagingGateway.Architecture.Tests;

/// <summary>The repository's project files, found from the test's output folder upwards.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every project under <c>src/</c>, by file name without extension (<c>Infrastructure.Local</c>).</summary>
    public static IReadOnlyDictionary<string, XDocument> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), XDocument.Load, StringComparer.Ordinal);

    /// <summary>The projects a project file references, by file name without extension.</summary>
    public static IReadOnlySet<string> ProjectReferences(XDocument project) =>
        project.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> PackageReferences(XDocument project) =>
        project.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value).ToHashSet(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ImagingGateway.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ImagingGateway.slnx above {AppContext.BaseDirectory}.");
    }
}
