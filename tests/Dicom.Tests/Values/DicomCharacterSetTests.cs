using System.Text;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Tests.TestSupport;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Tests.Values;

/// <summary>The charset_files of pydicom's corpus (David Clunie's examples) decode to the expected Unicode names.</summary>
public class DicomCharacterSetTests
{
    [Theory]
    [InlineData("chrArab.dcm", "قباني^لنزار")]
    [InlineData("chrFren.dcm", "Buc^Jérôme")]
    [InlineData("chrFrenMulti.dcm", "Buc^Jérôme")]
    [InlineData("chrGerm.dcm", "Äneas^Rüdiger")]
    [InlineData("chrGreek.dcm", "Διονυσιος")]
    [InlineData("chrH31.dcm", "Yamada^Tarou=山田^太郎=やまだ^たろう")]
    [InlineData("chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう")]
    [InlineData("chrHbrw.dcm", "שרון^דבורה")]
    [InlineData("chrI2.dcm", "Hong^Gildong=洪^吉洞=홍^길동")]
    [InlineData("chrJapMulti.dcm", "やまだ^たろう")]
    [InlineData("chrJapMultiExplicitIR6.dcm", "やまだ^たろう")]
    [InlineData("chrKoreanMulti.dcm", "김희중")]
    [InlineData("chrRuss.dcm", "Люкceмбypг")]
    [InlineData("chrX1.dcm", "Wang^XiaoDong=王^小東")]
    [InlineData("chrX2.dcm", "Wang^XiaoDong=王^小东")]
    public void GivenCharsetFile_WhenPatientNameDecoded_ThenExpectedUnicode(string file, string expected)
    {
        var dicom = Part10Reader.ReadFile(File.ReadAllBytes(Corpus.CharsetFile(file)));

        var name = dicom.DataSet.GetString(DicomTags.PatientName);

        Assert.NotNull(name);
        Assert.Equal(expected, DicomPersonName.Parse(name).ToString());
    }

    [Theory]
    [InlineData("chrSQEncoding.dcm")]
    [InlineData("chrSQEncoding1.dcm")]
    public void GivenItemWithOwnOrInheritedCharacterSet_WhenDecoded_ThenItemNameIsJapanese(string file)
    {
        var dicom = Part10Reader.ReadFile(File.ReadAllBytes(Corpus.CharsetFile(file)));

        var item = Assert.Single(dicom.DataSet.GetSequence(new DicomTag(0x0032, 0x1064))!.Items);

        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", item.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void GivenMultiValuedNames_WhenSplit_ThenEachValueDecoded()
    {
        var dicom = Part10Reader.ReadFile(File.ReadAllBytes(Corpus.CharsetFile("chrFrenMulti.dcm")));

        Assert.Equal(["Buc^Jérôme", "Buc^Jérôme"], dicom.DataSet.GetStrings(DicomTags.OtherPatientNames));
        Assert.Equal(["eggs", "spam"], dicom.DataSet.GetStrings(DicomTags.OtherPatientIDs));
    }

    /// <summary>DCMTK converts to UTF-8 (dcmdump +U8) the sets its iconv supports; every text value must agree with ours.</summary>
    [Theory]
    [InlineData("chrArab.dcm")]
    [InlineData("chrFren.dcm")]
    [InlineData("chrFrenMulti.dcm")]
    [InlineData("chrGerm.dcm")]
    [InlineData("chrGreek.dcm")]
    [InlineData("chrHbrw.dcm")]
    [InlineData("chrI2.dcm")]
    [InlineData("chrKoreanMulti.dcm")]
    [InlineData("chrRuss.dcm")]
    [InlineData("chrX1.dcm")]
    [InlineData("chrX2.dcm")]
    public void GivenCharsetFile_WhenEveryTextValueDecoded_ThenSameAsDcmdumpUtf8(string file)
    {
        var path = Corpus.CharsetFile(file);
        var dump = Dcmdump.Run(Encoding.UTF8, "+U8", "+L", "-Un", path);
        Assert.Equal(0, dump.ExitCode);
        var theirs = DcmdumpParser.Parse(dump.Output)
            .Where(l => l.Level == 0 && !l.Tag.StartsWith("(0002", StringComparison.Ordinal) && DicomVrExtensions.TryParse(l.Vr, out var vr) && vr.UsesSpecificCharacterSet())
            .ToList();
        var dataSet = Part10Reader.ReadFile(File.ReadAllBytes(path)).DataSet;

        Assert.NotEmpty(theirs);
        foreach (var line in theirs)
        {
            var ours = dataSet.GetString(DicomTag.Parse(line.Tag));
            Assert.Equal(line.Value.TrimEnd(' '), ours);
        }
    }

    [Fact]
    public void GivenIso2022WithLatin1Extension_WhenDecoded_ThenEscapeSwitchesG1()
    {
        var cs = DicomCharacterSet.FromSpecificCharacterSet("ISO 2022 IR 6\\ISO 2022 IR 100");
        byte[] bytes = [(byte)'A', 0x1B, (byte)'-', (byte)'A', 0xE9, (byte)'^', 0xE9];

        // After '^' the initial designation (ASCII only, no G1) is active again (PS3.5 6.1.2.5.3).
        Assert.Equal("Aé^é", cs.Decode(bytes));
    }

    [Fact]
    public void GivenUnknownCharacterSet_WhenCreated_ThenNotSupportedNamesIt()
    {
        var ex = Assert.Throws<NotSupportedException>(() => DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 999"));

        Assert.Contains("ISO_IR 999", ex.Message, StringComparison.Ordinal);
    }
}
