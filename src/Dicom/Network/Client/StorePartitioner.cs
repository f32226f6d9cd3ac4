namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// Plans a C-STORE send: the files split over parallel associations by bytes, and each share split further into
/// associations that can each propose every context their files need (at most
/// <see cref="DicomClient.MaxPresentationContexts"/>, PS3.8 9.3.2.2).
/// </summary>
public static class StorePartitioner
{
    /// <summary>
    /// At most <paramref name="lanes"/> contiguous shares of about equal bytes, in file order (a file goes to the share
    /// its middle byte falls in, so no share is more than one file off its ideal size); empty shares are left out.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Part10FileInfo>> ByBytes(IReadOnlyList<Part10FileInfo> files, int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        var total = Math.Max(1, files.Sum(f => f.Length));
        var shares = Enumerable.Range(0, lanes).Select(_ => new List<Part10FileInfo>()).ToList();
        long before = 0;
        foreach (var file in files)
        {
            var share = (int)Math.Min(lanes - 1, (before + file.Length / 2) * lanes / total);
            before += file.Length;
            shares[share].Add(file);
        }

        return shares.Where(s => s.Count > 0).ToList();
    }

    /// <summary>
    /// The files grouped so that each group's contexts (<see cref="DicomClient.ContextsFor"/>) and Verification fit one
    /// association: each file joins the first group that has room for its contexts, so files that share a SOP class
    /// travel together; the order of the files is kept within a group.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Part10FileInfo>> ByContexts(IEnumerable<Part10FileInfo> files)
    {
        // One context is Verification.
        const int room = DicomClient.MaxPresentationContexts - 1;
        var groups = new List<(HashSet<(string, string)> Contexts, List<Part10FileInfo> Files)>();
        foreach (var file in files)
        {
            var needed = DicomClient.ContextsFor(file).ToList();
            var group = groups.FirstOrDefault(g => g.Contexts.Count + needed.Count(c => !g.Contexts.Contains(c)) <= room);
            if (group.Files is null)
            {
                group = ([], []);
                groups.Add(group);
            }

            group.Contexts.UnionWith(needed);
            group.Files.Add(file);
        }

        return groups.Select(g => (IReadOnlyList<Part10FileInfo>)g.Files).ToList();
    }
}
