using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Tests.Batches;

public sealed class BatchIdTests
{
    [Fact]
    public void GivenTheUlidSpecExample_WhenParsed_ThenItsTimestampIsTheSpecsOne()
    {
        var id = BatchId.Parse("01ARYZ6S41TSV4RRFFQ69G5FAV");

        Assert.Equal(1469918176385, id.Timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void GivenATimeAndRandomBits_WhenCreated_ThenTheTextIsCrockfordBase32AndTheTimeRoundTrips()
    {
        var at = new DateTimeOffset(2026, 11, 28, 5, 6, 7, 890, TimeSpan.Zero);
        byte[] random = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

        var id = BatchId.Create(at, random);

        Assert.Equal(BatchId.Length, id.Value.Length);
        Assert.EndsWith("0000000000000001", id.Value, StringComparison.Ordinal);
        Assert.Equal(at, id.Timestamp);
        Assert.Equal(id, BatchId.Parse(id.Value));
        Assert.Equal(id.Value, id.ToString());
    }

    [Fact]
    public void GivenIdsMadeLater_WhenSortedAsText_ThenTheyFollowTime()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50).Select(i => BatchId.New(start.AddSeconds(i * 7919))).ToList();

        Assert.Equal(ids.Select(i => i.Value), ids.Select(i => i.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GivenTwoNewIdsAtTheSameMillisecond_WhenCompared_ThenTheyDiffer()
    {
        var at = DateTimeOffset.UnixEpoch.AddYears(56);

        Assert.NotEqual(BatchId.New(at), BatchId.New(at));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FA")] // 25 characters
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAVX")] // 27
    [InlineData("01aryz6s41tsv4rrffq69g5fav")] // lower case is not what we write
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAI")] // I, L, O, U are not in the alphabet
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAL")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAO")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAU")]
    [InlineData("81ARYZ6S41TSV4RRFFQ69G5FAV")] // would overflow 48 bits of time
    [InlineData("../../../../../../../../..")]
    [InlineData("01ARYZ6S41/SV4RRFFQ69G5FAV")]
    public void GivenTextThatIsNotABatchId_WhenParsed_ThenItIsRejectedNamingTheField(string? text)
    {
        Assert.False(BatchId.TryParse(text, out _));
        Assert.Equal("batchId", Assert.Throws<DomainException>(() => BatchId.Parse(text)).Field);
    }

    [Fact]
    public void GivenTheWrongNumberOfRandomBytes_WhenCreated_ThenItThrows()
    {
        Assert.Throws<ArgumentException>(() => BatchId.Create(DateTimeOffset.UnixEpoch, new byte[9]));
    }
}
