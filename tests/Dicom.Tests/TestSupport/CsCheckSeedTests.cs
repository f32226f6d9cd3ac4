using System.Text.RegularExpressions;
using CsCheck;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>
/// The fuzzers (PduFuzzTests, CommandSetTests, RobustnessTests, DicomServerRobustnessTests) draw a new seed each run
/// through CsCheck's Sample and SampleAsync. A failure must name its seed, and that seed must bring the same failing
/// input back (set it as <c>seed:</c> or in the CsCheck_Seed environment variable), or a failure seen once on CI is lost.
/// </summary>
public partial class CsCheckSeedTests
{
    private static readonly Gen<int> Values = Gen.Int[0, 1_000_000];

    [Fact]
    public void GivenAFailingProperty_WhenSampled_ThenTheFailureNamesASeedThatReplaysTheSameInput()
    {
        var failure = Assert.Throws<CsCheckException>(() => Values.Sample(v => Assert.True(v % 7 != 3), iter: 100_000));

        var (seed, shrunk) = SeedAndInput(failure);
        var replayed = new List<int>();
        Assert.Throws<CsCheckException>(() => Values.Sample(v => { replayed.Add(v); Assert.True(v % 7 != 3); }, seed: seed, iter: 1, threads: 1));
        Assert.Equal([shrunk], replayed);
    }

    [Fact]
    public async Task GivenAFailingAsyncProperty_WhenSampledOnOneThread_ThenTheFailureNamesASeedThatReplaysTheSameInput()
    {
        var failure = await Assert.ThrowsAsync<CsCheckException>(() => Values.SampleAsync(async v =>
        {
            await Task.Yield();
            Assert.True(v % 7 != 3);
        }, iter: 100_000, threads: 1));

        var (seed, shrunk) = SeedAndInput(failure);
        var replayed = new List<int>();
        await Assert.ThrowsAsync<CsCheckException>(() => Values.SampleAsync(async v =>
        {
            await Task.Yield();
            replayed.Add(v);
            Assert.True(v % 7 != 3);
        }, seed: seed, iter: 1, threads: 1));
        Assert.Equal([shrunk], replayed);
    }

    /// <summary>The seed and the (shrunk) input CsCheck's failure message names.</summary>
    private static (string Seed, int Input) SeedAndInput(CsCheckException failure)
    {
        var seed = SeedPattern().Match(failure.Message);
        Assert.True(seed.Success, $"no seed in: {failure.Message}");
        var input = InputPattern().Match(failure.Message);
        Assert.True(input.Success, $"no input in: {failure.Message}");
        return (seed.Groups[1].Value, int.Parse(input.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("Set seed: \"([^\"]+)\"")]
    private static partial Regex SeedPattern();

    [GeneratedRegex(@"^(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex InputPattern();
}
