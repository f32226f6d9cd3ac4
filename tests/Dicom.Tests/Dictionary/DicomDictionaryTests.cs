using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Tests.Dictionary;

public class DicomDictionaryTests
{
    [Fact]
    public void GivenPatientNameTag_WhenLookedUp_ThenEntryHasPnVrAndKeyword()
    {
        var entry = DicomDictionary.Find(new DicomTag(0x0010, 0x0010));

        Assert.NotNull(entry);
        Assert.Equal(DicomVr.PN, entry.Vr);
        Assert.Equal("PatientName", entry.Keyword);
        Assert.Equal("1", entry.ValueMultiplicity);
        Assert.False(entry.IsRetired);
    }

    [Fact]
    public void GivenOverlayDataInRepeatingGroup_WhenLookedUp_ThenRangeEntryMatches()
    {
        var entry = DicomDictionary.Find(new DicomTag(0x6002, 0x3000));

        Assert.NotNull(entry);
        Assert.Equal("OverlayData", entry.Keyword);
        Assert.Equal(DicomVr.OW, entry.Vr);
        Assert.Equal(DicomVr.OB, entry.AlternativeVr);
    }

    [Fact]
    public void GivenOddRepeatingGroup_WhenLookedUp_ThenNoOverlayEntry()
    {
        Assert.Null(DicomDictionary.Find(new DicomTag(0x6001, 0x3000)));
    }

    [Fact]
    public void GivenPrivateCreatorAndPrivateElement_WhenImplicitVrAsked_ThenLoAndUn()
    {
        Assert.Equal(DicomVr.LO, DicomDictionary.ImplicitVr(new DicomTag(0x0029, 0x0010)));
        Assert.Equal(DicomVr.UN, DicomDictionary.ImplicitVr(new DicomTag(0x0029, 0x1010)));
    }

    [Fact]
    public void GivenRetiredElement_WhenLookedUp_ThenRetiredFlagSetAndPrefixStripped()
    {
        var entry = DicomDictionary.Find(new DicomTag(0x0008, 0x0040));

        Assert.NotNull(entry);
        Assert.True(entry.IsRetired);
        Assert.Equal("DataSetType", entry.Keyword);
    }

    [Fact]
    public void GivenGeneratedDictionary_WhenCompared_ThenMatchesEveryLineOfDcmtkDicomDic()
    {
        const string path = "/usr/share/libdcmtk17/dicom.dic";
        Assert.True(File.Exists(path), $"{path} missing; run tests/setup.d/10-debian-packages.sh");
        var checkedEntries = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            var tag = fields[0];
            if (tag.Contains('-', StringComparison.Ordinal) || fields[4] is "PRIVATE" or "ILLEGAL" or "GENERIC")
            {
                continue;
            }

            var entry = DicomDictionary.Find(DicomTag.Parse(tag));
            Assert.NotNull(entry);
            var keyword = fields[2].StartsWith("RETIRED_", StringComparison.Ordinal) ? fields[2]["RETIRED_".Length..] : fields[2];
            Assert.Equal(keyword, entry.Keyword);
            Assert.Equal(fields[3], entry.ValueMultiplicity);
            if (fields[1].Length == 2 && char.IsUpper(fields[1][0]))
            {
                Assert.Equal(fields[1], entry.Vr.Code());
            }

            checkedEntries++;
        }

        Assert.Equal(checkedEntries, DicomDictionary.Count);
    }
}
