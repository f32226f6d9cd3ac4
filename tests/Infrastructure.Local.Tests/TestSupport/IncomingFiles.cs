namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>What a store's <c>.incoming/</c> folder holds.</summary>
internal static class IncomingFiles
{
    /// <summary>
    /// The temp files holding data: uploads in progress, or left behind. The empty files the store prepares ahead of
    /// need (<c>FileSystemStoreOptions.PreparedTempFiles</c>) are not among them. Every run's upload folder is looked in,
    /// and the folder itself, where older versions wrote.
    /// </summary>
    public static IReadOnlyList<string> Written(string incomingDirectory) =>
        Directory.EnumerateFiles(incomingDirectory, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToList();
}
