namespace ImagingGateway.Gateway.Tests.Support;

public sealed record TestInstance(string Path, string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid);

/// <summary>Synthetic studies written by TestData/make_study.py (pydicom, installed by tests/setup.d).</summary>
public static class TestStudy
{
    public static async Task<IReadOnlyList<TestInstance>> WriteAsync(string directory, int series, int instancesPerSeries, int studyIndex = 0, int rows = 64, string seed = "gateway-tests")
    {
        var script = Path.Combine(AppContext.BaseDirectory, "TestData", "make_study.py");
        var result = await ProcessRunner.RunAsync(
            "/usr/bin/python3",
            [script, directory, "--series", series.ToString(), "--instances", instancesPerSeries.ToString(), "--study-index", studyIndex.ToString(), "--rows", rows.ToString(), "--seed", seed],
            TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, "make_study.py failed (is python3-pydicom installed? tests/setup.d installs it): " + result.Output);
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => new TestInstance(f[0], f[1], f[2], f[3]))
            .ToList();
    }
}
