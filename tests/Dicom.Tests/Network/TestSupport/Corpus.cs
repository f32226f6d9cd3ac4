using System.Security.Cryptography;
using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>pydicom's test corpus: the Part 10 files among it, and data-set comparison helpers.</summary>
public static class Corpus
{
    public const string Directory = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string RequireDirectory()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new InvalidOperationException($"pydicom's corpus is missing at {Directory}; run tests/setup.d/10-debian-packages.sh.");
        }

        return Directory;
    }

    /// <summary>Every corpus file with a readable Part 10 header.</summary>
    public static List<Part10FileInfo> Part10Files()
    {
        var files = new List<Part10FileInfo>();
        foreach (var path in System.IO.Directory.GetFiles(RequireDirectory()).Order(StringComparer.Ordinal))
        {
            try
            {
                files.Add(Part10FileInfo.Read(path));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
            {
                // Not a Part 10 file (raw data sets, compressed archives, deliberately broken files).
            }
        }

        return files;
    }

    public static byte[] DataSet(Part10FileInfo file)
    {
        using var stream = File.OpenRead(file.Path);
        stream.Position = file.DataSetOffset;
        var bytes = new byte[file.DataSetLength];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>
    /// For senders that re-encode (DCMTK storescu loads and re-writes each data set, converting the transfer syntax to the
    /// accepted one and dropping trailing padding): every received file must show, in dcmdump, the same elements and values
    /// as one of the sources (the VR column is ignored: Implicit VR cannot carry the VR of private elements).
    /// </summary>
    public static async Task<int> AssertReceivedEquivalentToSourcesAsync(string folder)
    {
        var expected = await SourceDumps.Value;

        var received = System.IO.Directory.GetFiles(folder, "*.dcm");
        foreach (var path in received)
        {
            var dump = await DumpDataSetAsync(path);
            Assert.True(expected.Contains(dump!), $"{path}: dcmdump differs from every source:\n{dump}");
        }

        return received.Length;
    }

    private static readonly Lazy<Task<HashSet<string>>> SourceDumps = new(async () =>
    {
        var dumps = new HashSet<string>();
        foreach (var source in System.IO.Directory.GetFiles(RequireDirectory()))
        {
            // Files dcmdump cannot read (truncated, broken on purpose) cannot be sent by storescu either.
            if (await DumpDataSetAsync(source, required: false) is { } dump)
            {
                dumps.Add(dump);
            }
        }

        return dumps;
    });

    /// <summary>dcmdump of the data set only: no comment lines, no file meta group.</summary>
    public static async Task<string?> DumpDataSetAsync(string path, bool required = true)
    {
        var result = await ExternalTool.RunAsync("dcmdump", ["-q", "+uc", path], TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0 && !required)
        {
            return null;
        }

        Assert.True(result.ExitCode == 0, $"dcmdump {path}: {result}");
        var lines = result.Output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith('(') && !l.StartsWith("(0002,", StringComparison.Ordinal) && !l.StartsWith("(fffc,fffc)", StringComparison.Ordinal)
                // Sequence and item lengths may switch between explicit and undefined when re-encoded.
                && !l.StartsWith("(fffe,e00d)", StringComparison.Ordinal) && !l.StartsWith("(fffe,e0dd)", StringComparison.Ordinal))
            .Select(l => l.Contains("length #=", StringComparison.Ordinal) ? l[..11] : l[..11] + l[14..])
            // Implicit VR shows native pixel data as OW words; explicit may carry OB bytes: keep tag and length only.
            .Select(l => l.StartsWith("(7fe0,0010)", StringComparison.Ordinal) && l.Contains('#') ? l[..11] + l[l.LastIndexOf('#')..] : l);
        return string.Join('\n', lines);
    }

    /// <summary>Checks every received file's data set equals, byte for byte, the data set of a source with the same SOP instance and transfer syntax.</summary>
    public static int AssertReceivedMatchSources(string folder, IEnumerable<Part10FileInfo> sources)
    {
        var expected = sources.GroupBy(s => (s.SopInstanceUid, s.TransferSyntaxUid))
            .ToDictionary(g => g.Key, g => g.Select(s => Hash(DataSet(s))).ToHashSet());
        var received = System.IO.Directory.GetFiles(folder, "*.dcm");
        foreach (var path in received)
        {
            var file = Part10FileInfo.Read(path);
            Assert.True(expected.TryGetValue((file.SopInstanceUid, file.TransferSyntaxUid), out var hashes),
                $"{path}: no source with SOP instance {file.SopInstanceUid} in {file.TransferSyntaxUid}");
            Assert.True(hashes.Contains(Hash(DataSet(file))), $"{path}: data set differs from every source of {file.SopInstanceUid}");
        }

        return received.Length;
    }
}
