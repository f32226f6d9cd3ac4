using System.Text;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// Bad files in one association: a data set truncated inside its pixel data (it does not end on an element boundary,
/// issue #24) and data sets with wrong UIDs are refused at the door with a DIMSE failure status and are not stored.
/// The good files of the batch import all the same, and nothing fails at import.
/// </summary>
public sealed class BadFilesTests
{
    [Fact]
    public async Task GivenTruncatedAndWrongUidFilesAmongGoodOnes_WhenSent_ThenEachBadOneIsRefusedAndTheGoodOnesImport()
    {
        using var temp = new TempDirectory();
        var studyDirectory = temp.Sub("study");
        var study = await TestStudy.WriteAsync(studyDirectory, series: 3, instancesPerSeries: 3);
        var good = study.Where(i => i.SeriesInstanceUid != study[^1].SeriesInstanceUid).ToList();
        var (truncated, wrongSop, badStudyUid) = (study[^3], study[^2], study[^1]);
        Truncate(truncated.Path, keep: new FileInfo(truncated.Path).Length - 3000);
        ReplaceInDataSet(wrongSop.Path, wrongSop.SopInstanceUid, wrongSop.SopInstanceUid[..^1] + (wrongSop.SopInstanceUid[^1] == '1' ? '2' : '1'));
        ReplaceInDataSet(badStudyUid.Path, badStudyUid.StudyInstanceUid, "1.2.X" + badStudyUid.StudyInstanceUid[5..]);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), studyDirectory], TimeSpan.FromMinutes(2));

        Assert.Equal(1, sent.ExitCode);
        Assert.Contains($"{good.Count} stored", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains("3 failed", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"FAILED {truncated.Path}: status 0xC000", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"FAILED {wrongSop.Path}: status 0xA900", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains($"FAILED {badStudyUid.Path}: status 0xC000", sent.StdOut, StringComparison.Ordinal);

        var data = new GatewayData(dataDirectory);
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90)));
        Assert.Equal(good.Select(i => i.SopInstanceUid).Order(), data.InstanceFiles().Keys.Order());

        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        var batchId = job.GetProperty("batchId").GetString()!;
        var jobId = job.GetProperty("jobId").GetString()!;
        Assert.Empty(data.Failures(batchId, jobId));
        var summary = data.JobSummary(batchId, jobId);
        Assert.Equal(good.Count, summary.GetProperty("numberOfScannedFiles").GetInt32());
        Assert.Equal(good.Count, summary.GetProperty("numberOfImportedFiles").GetInt32());
        Assert.Equal(good.Select(i => i.SopInstanceUid).Order(), data.Successes(batchId, jobId).Select(s => s.GetProperty("sopInstanceUID").GetString()).Order());
    }

    private static void Truncate(string path, long keep)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(keep);
    }

    /// <summary>Replaces a value of the same length in the data set only (not in the file meta information).</summary>
    private static void ReplaceInDataSet(string path, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var bytes = File.ReadAllBytes(path);
        var dataSet = Part10.DataSetBytes(bytes);
        var offset = bytes.Length - dataSet.Length + dataSet.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        Assert.True(offset >= bytes.Length - dataSet.Length, $"{from} not found in the data set of {path}");
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, offset);
        File.WriteAllBytes(path, bytes);
    }
}
