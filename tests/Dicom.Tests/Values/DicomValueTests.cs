using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Tests.Values;

public class DicomValueTests
{
    [Theory]
    [InlineData("20040119", 2004, 1, 19)]
    [InlineData("1999.12.31", 1999, 12, 31)]
    public void GivenDate_WhenParsed_ThenDate(string text, int y, int m, int d)
    {
        Assert.True(DicomDateTimeValues.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("20041319")]
    [InlineData("2004011")]
    [InlineData("2004O119")]
    [InlineData("")]
    public void GivenBadDate_WhenValidated_ThenErrorNamesValue(string text)
    {
        Assert.False(DicomDateTimeValues.TryParseDate(text, out _));
        Assert.Equal($"'{text}' is not a valid DA (YYYYMMDD)", DicomDateTimeValues.ValidateDate(text));
    }

    [Theory]
    [InlineData("072730", 7, 27, 30, 0)]
    [InlineData("0727", 7, 27, 0, 0)]
    [InlineData("07", 7, 0, 0, 0)]
    [InlineData("072730.123456", 7, 27, 30, 123456)]
    [InlineData("072730.5", 7, 27, 30, 500000)]
    [InlineData("07:27:30", 7, 27, 30, 0)]
    public void GivenTime_WhenParsed_ThenTime(string text, int h, int m, int s, int micro)
    {
        Assert.True(DicomDateTimeValues.TryParseTime(text, out var time));
        Assert.Equal(new TimeOnly(h, m, s).Add(TimeSpan.FromMicroseconds(micro)), time);
    }

    [Theory]
    [InlineData("246000")]
    [InlineData("0727.5")]
    [InlineData("072")]
    public void GivenBadTime_WhenParsed_ThenFalse(string text) => Assert.False(DicomDateTimeValues.TryParseTime(text, out _));

    [Fact]
    public void GivenDateTimeWithOffset_WhenParsed_ThenOffsetApplied()
    {
        Assert.True(DicomDateTimeValues.TryParseDateTime("20040119072730.25-0500", out var value, out var hasOffset));
        Assert.True(hasOffset);
        Assert.Equal(new DateTimeOffset(2004, 1, 19, 7, 27, 30, TimeSpan.FromHours(-5)).AddMilliseconds(250), value);
        Assert.True(DicomDateTimeValues.TryParseDateTime("2004", out var year, out _));
        Assert.Equal(new DateTimeOffset(2004, 1, 1, 0, 0, 0, TimeSpan.Zero), year);
        Assert.False(DicomDateTimeValues.TryParseDateTime("20040230", out _, out _));
    }

    [Theory]
    [InlineData("12", true, 12)]
    [InlineData(" -7 ", true, -7)]
    [InlineData("+2147483647", true, 2147483647)]
    [InlineData("2147483648", false, 0)]
    [InlineData("1.5", false, 0)]
    public void GivenIntegerString_WhenParsed_ThenRangeChecked(string text, bool ok, long expected)
    {
        Assert.Equal(ok, DicomNumbers.TryParseIntegerString(text, out var value));
        Assert.Equal(expected, ok ? value : 0);
    }

    [Theory]
    [InlineData("239.531250000000", true)]
    [InlineData("-1.5e-3", true)]
    [InlineData("12345678901234567", false)]
    [InlineData("abc", false)]
    public void GivenDecimalString_WhenParsed_ThenValidity(string text, bool ok) =>
        Assert.Equal(ok, DicomNumbers.TryParseDecimalString(text, out _));

    [Fact]
    public void GivenPersonNameWithGroups_WhenParsed_ThenComponents()
    {
        var name = DicomPersonName.Parse("Yamada^Tarou=山田^太郎=やまだ^たろう");

        Assert.Equal("Yamada", name.Alphabetic.FamilyName);
        Assert.Equal("太郎", name.Ideographic.GivenName);
        Assert.Equal("やまだ", name.Phonetic.FamilyName);
        Assert.Equal("Wang^XiaoDong=王^小東", DicomPersonName.Parse("Wang^XiaoDong=王^小東=").ToString());
        Assert.Equal("Last^First^mid^pre", DicomPersonName.Parse("Last^First^mid^pre^").ToString());
        Assert.Throws<FormatException>(() => DicomPersonName.Parse("a=b=c=d"));
    }
}
