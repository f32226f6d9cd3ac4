using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Domain.Tests.Imports;

/// <summary>Which count of one storage commitment transaction a job keeps when both sides record one (issue #26).</summary>
public sealed class ImportJobCommitmentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(3, 0, 0, true)]
    [InlineData(2, 1, 0, true)]
    [InlineData(2, 0, 60, true)]
    [InlineData(2, 0, 0, true)]
    [InlineData(2, 0, -60, false)]
    [InlineData(1, 0, 600, false)]
    public void GivenAStoredCountOfTwo_WhenAnotherCountOfTheTransactionArrives_ThenTheFullerOrEquallyFullAndLaterOneWins(
        int committed, int failed, int secondsLater, bool supersedes)
    {
        var stored = new ImportJobCommitment("2.25.1", 2, 0, T0);
        var incoming = new ImportJobCommitment("2.25.1", committed, failed, T0.AddSeconds(secondsLater));

        Assert.Equal(supersedes, incoming.Supersedes(stored));
    }
}
