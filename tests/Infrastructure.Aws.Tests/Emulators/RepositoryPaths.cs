namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>Finds the repository root (the folder holding ImagingGateway.slnx) from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Tools => Path.Combine(Root, "tests", "tools");

    /// <summary>An npm tool under tests/tools/node_modules/.bin, or a loud failure naming the setup script.</summary>
    public static string RequireTool(string name)
    {
        var path = Path.Combine(Tools, "node_modules", ".bin", name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing: run tests/setup.d/20-npm-tools.sh (test.sh runs it) to install the emulators");
        }

        return path;
    }

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
