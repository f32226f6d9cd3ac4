namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>pydicom's test corpus (Debian python3-pydicom, installed by tests/setup.d/10-debian-packages.sh).</summary>
public static class Corpus
{
    public const string TestFilesDirectory = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    public const string CharsetFilesDirectory = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";

    /// <summary>
    /// Files that are broken (truncated, or encoded otherwise than they declare) and that DCMTK rejects too;
    /// CorpusConformanceTests names the error each must get.
    /// </summary>
    public static readonly IReadOnlySet<string> BrokenFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        "MR_truncated.dcm",
        "rtplan_truncated.dcm",
        "SC_rgb_jpeg.dcm",
        "no_meta.dcm",
    };

    public static string TestFile(string name) => Require(Path.Combine(TestFilesDirectory, name));

    public static string CharsetFile(string name) => Require(Path.Combine(CharsetFilesDirectory, name));

    public static byte[] Read(string name) => File.ReadAllBytes(TestFile(name));

    /// <summary>
    /// Every DICOM file of test_files (recursively: the DICOMDIR sets of dicomdirtests have files without extension) and
    /// of charset_files; only the corpus' text and archive files (README, dumps, JSON, gzip) are left out.
    /// </summary>
    public static IEnumerable<string> AllDicomFiles()
    {
        RequireDirectory(TestFilesDirectory);
        RequireDirectory(CharsetFilesDirectory);
        string[] notDicom = [".txt", ".dump", ".json", ".gz"];
        return Directory.EnumerateFiles(TestFilesDirectory, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(CharsetFilesDirectory, "*.dcm"))
            .Where(path => !notDicom.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase) && Path.GetFileName(path) != "README")
            .Order(StringComparer.Ordinal);
    }

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Test corpus file missing: {path}. Run tests/setup.d/10-debian-packages.sh (./test.sh does).", path);

    private static void RequireDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"Test corpus missing: {path}. Run tests/setup.d/10-debian-packages.sh (./test.sh does).");
        }
    }
}
