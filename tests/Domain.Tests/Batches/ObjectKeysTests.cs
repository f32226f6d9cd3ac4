using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Domain.Tests.Batches;

public sealed class ObjectKeysTests
{
    private static readonly BatchId Batch = BatchId.Create(new DateTimeOffset(2026, 11, 28, 23, 59, 59, TimeSpan.FromHours(-5)), new byte[10]);

    [Fact]
    public void GivenABatch_WhenItsKeysAreBuilt_ThenTheyFollowTheDesignAndUseTheUtcDay()
    {
        // 23:59:59 at UTC-5 is 04:59:59 UTC on the 29th.
        Assert.Equal($"dicom/2026/11/29/{Batch}/", ObjectKeys.BatchPrefix(Batch));
        Assert.Equal($"dicom/2026/11/29/{Batch}/1.2.3.dcm", ObjectKeys.Instance(Batch, DicomUid.Parse("1.2.3")));
        Assert.Equal($"batches/{Batch}.json", ObjectKeys.Manifest(Batch));
    }

    [Fact]
    public void GivenKeysWeBuilt_WhenParsed_ThenTheBatchComesBack()
    {
        Assert.True(ObjectKeys.TryParseManifest(ObjectKeys.Manifest(Batch), out var fromManifest));
        Assert.True(ObjectKeys.TryParseInstance(ObjectKeys.Instance(Batch, DicomUid.Parse("1.2.840.10008.1.2")), out var fromInstance));

        Assert.Equal(Batch, fromManifest);
        Assert.Equal(Batch, fromInstance);
    }

    [Fact]
    public void GivenABatchPrefix_WhenParsed_ThenTheBatchComesBackAndNothingElseParses()
    {
        Assert.True(ObjectKeys.TryParseBatchPrefix(ObjectKeys.BatchPrefix(Batch), out var fromPrefix));
        Assert.Equal(Batch, fromPrefix);
        Assert.False(ObjectKeys.TryParseBatchPrefix(ObjectKeys.BatchPrefix(Batch).TrimEnd('/'), out _));
        Assert.False(ObjectKeys.TryParseBatchPrefix($"dicom/2026/11/28/{Batch}/", out _));
        Assert.False(ObjectKeys.TryParseBatchPrefix(ObjectKeys.Instance(Batch, DicomUid.Parse("1.2.3")), out _));
        Assert.False(ObjectKeys.TryParseBatchPrefix(null, out _));
    }

    [Fact]
    public void GivenTwoBatchesWhereOneIdIsAPrefixOfTheOthersText_WhenPrefixesAreCompared_ThenNeitherMatchesTheOther()
    {
        var a = ObjectKeys.BatchPrefix(Batch);
        var other = BatchId.Create(Batch.Timestamp, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

        Assert.EndsWith("/", a, StringComparison.Ordinal);
        Assert.False(ObjectKeys.Instance(other, DicomUid.Parse("1.2")).StartsWith(a, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("batches/../etc/passwd.json")]
    [InlineData("batches/01ARYZ6S41TSV4RRFFQ69G5FAV.json.bak")]
    [InlineData("batches/01ARYZ6S41TSV4RRFFQ69G5FAV/x.json")]
    [InlineData("batches/01ARYZ6S41TSV4RRFFQ69G5FAV")]
    [InlineData("Batches/01ARYZ6S41TSV4RRFFQ69G5FAV.json")]
    [InlineData("x/batches/01ARYZ6S41TSV4RRFFQ69G5FAV.json")]
    [InlineData("")]
    public void GivenAKeyThatIsNotAManifestKey_WhenParsed_ThenItIsRejected(string key)
    {
        Assert.False(ObjectKeys.TryParseManifest(key, out _));
    }

    [Theory]
    [InlineData("dicom/2016/07/30/01ARYZ6S41TSV4RRFFQ69G5FAV/../../x.dcm")]
    [InlineData("dicom/2016/07/31/01ARYZ6S41TSV4RRFFQ69G5FAV/1.2.dcm")] // wrong day for the id
    [InlineData("dicom/2016/07/30/01ARYZ6S41TSV4RRFFQ69G5FAV/a/1.2.dcm")]
    [InlineData("dicom/2016/07/30/01ARYZ6S41TSV4RRFFQ69G5FAV/1.2.json")]
    [InlineData("dicom/2016/07/30/NOTABATCH/1.2.dcm")]
    [InlineData("batches/01ARYZ6S41TSV4RRFFQ69G5FAV.json")]
    public void GivenAKeyThatIsNotAnInstanceKey_WhenParsed_ThenItIsRejected(string key)
    {
        Assert.False(ObjectKeys.TryParseInstance(key, out _));
    }

    [Fact]
    public void GivenTheSpecExampleIdOnItsOwnDay_WhenAnInstanceKeyIsParsed_ThenItIsAccepted()
    {
        Assert.True(ObjectKeys.TryParseInstance("dicom/2016/07/30/01ARYZ6S41TSV4RRFFQ69G5FAV/1.2.dcm", out var id));
        Assert.Equal("01ARYZ6S41TSV4RRFFQ69G5FAV", id.Value);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("1.2/../../3")]
    [InlineData("..")]
    [InlineData("1.2.3\\..\\4")]
    [InlineData("%2e%2e%2f")]
    [InlineData("1.2.3\0.dcm")]
    [InlineData("/1.2.3")]
    [InlineData("1.2.3 ")]
    public void GivenAHostileSopInstanceUid_WhenAKeyWouldBeBuilt_ThenNoUidCanBeMadeSoNoKeyExists(string hostile)
    {
        Assert.False(DicomUid.TryParse(hostile, out _, out _));
    }

    [Fact]
    public void GivenEveryValidUidShape_WhenKeysAreBuilt_ThenTheyStayInsideTheBatchPrefix()
    {
        var prefix = ObjectKeys.BatchPrefix(Batch);
        string[] uids = ["0", "1.0", "9" + new string('9', 63), "1." + string.Join('.', Enumerable.Repeat("0", 31))];
        foreach (var uid in uids)
        {
            var key = ObjectKeys.Instance(Batch, DicomUid.Parse(uid));
            Assert.StartsWith(prefix, key, StringComparison.Ordinal);
            Assert.DoesNotContain("..", key[prefix.Length..], StringComparison.Ordinal);
            Assert.DoesNotContain('/', key[prefix.Length..]);
        }
    }

    [Fact]
    public void GivenABatch_WhenItsOpenMarkerKeyIsBuiltAndParsed_ThenItNamesTheBatchOutsideTheManifestsAndInstances()
    {
        var key = ObjectKeys.OpenMarker(Batch);

        Assert.True(ObjectKeys.TryParseOpenMarker(key, out var parsed));
        Assert.Equal(Batch, parsed);
        Assert.StartsWith(ObjectKeys.OpenMarkersRoot, key, StringComparison.Ordinal);
        Assert.False(ObjectKeys.TryParseManifest(key, out _));
        Assert.False(ObjectKeys.TryParseInstance(key, out _));
        Assert.False(ObjectKeys.TryParseOpenMarker(ObjectKeys.Manifest(Batch), out _));
        Assert.False(ObjectKeys.TryParseOpenMarker(ObjectKeys.OpenMarkersRoot + "not-a-batch.json", out _));
    }
}
