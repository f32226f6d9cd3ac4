using System.IO.Compression;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// Issue #24, items 2 and 3 for Deflated Explicit VR Little Endian (PS3.5 A.5): the data set is inflated and walked
/// while it is received. DCMTK's deflated C-STORE is stored; a cut Deflate stream gets C000 and a data set that
/// inflates past <c>Gateway:MaxInflatedDataSetBytes</c> gets A700 with an Error Comment naming the limit, and neither
/// is stored.
/// </summary>
public sealed class DeflatedStoreTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string Deflated = "1.2.840.10008.1.2.1.99";

    [Fact]
    public async Task GivenADeflatedInstance_WhenStorescuSendsItDeflated_ThenItIsStoredAndInflatesToTheSource()
    {
        using var temp = new TempDirectory();
        var instance = (await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1))[0];
        var deflated = await DeflateWithDcmconvAsync(instance.Path, temp.Sub("deflated"));
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        // -xd: storescu proposes Deflated Explicit VR Little Endian first, and sends the data set deflated.
        var sent = await ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"),
            ["-d", "-xd", "-aet", "TESTSCU", "-aec", "IMAGINGGW", "-to", "30", "127.0.0.1", gateway.Port.ToString(), deflated], TimeSpan.FromMinutes(1));

        Assert.True(sent.ExitCode == 0, sent.Output);
        Assert.True(sent.Output.Contains("-> Deflated Explicit VR Little Endian", StringComparison.Ordinal) && sent.Output.Contains("DIMSE Status                  : 0x0000: Success", StringComparison.Ordinal), sent.Output);
        var stored = new GatewayData(gateway.DataDirectory).InstanceFiles();
        Assert.Equal([instance.SopInstanceUid], stored.Keys);
        Assert.Equal(Part10.DataSetBytes(instance.Path), Inflate(Part10.DataSetBytes(stored[instance.SopInstanceUid])));
    }

    [Fact]
    public async Task GivenDeflatedDataSetsCutShort_WhenSentRaw_ThenEachIsRefusedWithC000AndAWholeOneAfterThemIsStored()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3, rows: 128);
        var dataSets = study.Select(i => Deflate(Part10.DataSetBytes(i.Path))).ToList();
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        byte[][] broken =
        [
            dataSets[0][..(dataSets[0].Length / 2)], // cut inside the Pixel Data
            dataSets[1][..^2], // the last two bytes of the Deflate stream missing
        ];
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW", Association = new() { MaxPduLength = 16384 } });
        await using var association = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [Deflated])], CancellationToken.None);

        var statuses = new List<DimseStatus>();
        for (var i = 0; i < broken.Length; i++)
        {
            statuses.Add(await association.StoreAsync(CtImageStorage, study[i].SopInstanceUid, Deflated, new MemoryStream(broken[i]), broken[i].Length, CancellationToken.None));
        }

        var whole = await association.StoreAsync(CtImageStorage, study[2].SopInstanceUid, Deflated, new MemoryStream(dataSets[2]), dataSets[2].Length, CancellationToken.None);
        await association.ReleaseAsync(CancellationToken.None);

        Assert.All(statuses, s => Assert.Equal(DimseStatus.CannotUnderstand, s));
        Assert.Equal(DimseStatus.Success, whole);
        Assert.Equal([study[2].SopInstanceUid], new GatewayData(gateway.DataDirectory).InstanceFiles().Keys);
        Assert.Contains("not well formed", gateway.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenABombOverTheConfiguredLimit_WhenStorescuSendsIt_ThenA700WithAnErrorCommentNamingTheLimitAndNothingIsStored()
    {
        using var temp = new TempDirectory();
        var instance = (await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1))[0];
        var deflated = await DeflateWithDcmconvAsync(instance.Path, temp.Sub("deflated"));
        var file = await File.ReadAllBytesAsync(deflated);
        var dataSet = Part10.DataSetBytes(file);
        var bombPath = Path.Combine(temp.Sub("bomb"), "bomb.dcm");
        await File.WriteAllBytesAsync(bombPath, [.. file[..^dataSet.Length], .. DeflateBomb(Part10.DataSetBytes(instance.Path), 64 << 20)]);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), extraArgs: ["--Gateway:MaxInflatedDataSetBytes=1048576"]);

        var sent = await ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"),
            ["-d", "-xd", "-aet", "TESTSCU", "-aec", "IMAGINGGW", "-to", "30", "127.0.0.1", gateway.Port.ToString(), bombPath], TimeSpan.FromMinutes(1));
        var small = await ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"),
            ["-xd", "-aet", "TESTSCU", "-aec", "IMAGINGGW", "-to", "30", "127.0.0.1", gateway.Port.ToString(), deflated], TimeSpan.FromMinutes(1));

        Assert.Contains("0xa700", sent.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"\(0000,0902\) LO \[inflates past Gateway:MaxInflatedDataSetBytes \(1048576\)", sent.Output);
        Assert.True(small.ExitCode == 0, small.Output);
        Assert.Equal([instance.SopInstanceUid], new GatewayData(gateway.DataDirectory).InstanceFiles().Keys);
    }

    /// <summary>DCMTK writes the instance as Deflated Explicit VR Little Endian (+td), so the deflated bytes are not ours.</summary>
    private static async Task<string> DeflateWithDcmconvAsync(string source, string directory)
    {
        var target = Path.Combine(directory, "deflated.dcm");
        var converted = await ProcessRunner.RunAsync(ProcessRunner.RequireTool("dcmconv"), ["+td", source, target], TimeSpan.FromMinutes(1));
        Assert.True(converted.ExitCode == 0, converted.Output);
        return target;
    }

    private static byte[] Inflate(byte[] deflated)
    {
        using var inflater = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] dataSet)
    {
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(dataSet);
        }

        return output.ToArray();
    }

    /// <summary>The data set with its Pixel Data replaced by that many zeros (OB), deflated (PS3.5 A.5).</summary>
    private static byte[] DeflateBomb(byte[] dataSet, int pixelBytes)
    {
        var pixelData = dataSet.AsSpan().IndexOf(Convert.FromHexString("E07F1000"));
        Assert.True(pixelData > 0, "Pixel Data not found");
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(dataSet.AsSpan(0, pixelData));
            deflater.Write(Convert.FromHexString("E07F1000" + "4F420000"));
            deflater.Write(BitConverter.GetBytes((uint)pixelBytes));
            deflater.Write(new byte[pixelBytes]);
        }

        return output.ToArray();
    }
}
