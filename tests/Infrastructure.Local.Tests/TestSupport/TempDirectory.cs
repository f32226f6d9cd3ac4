namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>A fresh folder under the system temp folder (or under <c>parent</c>), deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "igw-local-tests"), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open by a test that failed must not hide the failure.
        }
    }
}
