using System.IO.Compression;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// Issue #24, item 2: a Deflated Explicit VR Little Endian C-STORE of about 1 MB that inflates to 1 GiB, received,
/// stored and imported, grows the gateway's peak resident memory (VmHWM, so no sample can miss a peak) by less than
/// 64 MB. A small instance goes first, so what the first store and import load and compile is not counted.
/// </summary>
public sealed class DeflateBombTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string Deflated = "1.2.840.10008.1.2.1.99";
    private const long BombPixelBytes = 1L << 30;

    [Fact]
    public async Task GivenA1GiBDeflateBomb_WhenStoredAndImported_ThenPeakRssGrowsLessThan64MB()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 2);
        var warmUp = Part10.DataSetBytes(study[0].Path);
        var bomb = DeflateBomb(Part10.DataSetBytes(study[1].Path));
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), extraArgs: ["--Gateway:Batching:Policy=PerInstance"]);
        var data = new GatewayData(gateway.DataDirectory);

        Assert.Equal(DimseStatus.Success, await StoreAsync(gateway.Port, NetworkUids.ExplicitVrLittleEndian, study[0].SopInstanceUid, warmUp));
        await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90));
        var before = PeakRssBytes(gateway.ProcessId);

        var status = await StoreAsync(gateway.Port, Deflated, study[1].SopInstanceUid, bomb);
        var jobs = await data.WaitForTerminalJobsAsync(2, TimeSpan.FromMinutes(3));
        var growth = PeakRssBytes(gateway.ProcessId) - before;

        Assert.Equal(DimseStatus.Success, status);
        Assert.Equal(2, jobs.Count);
        Assert.True(growth < 64L << 20, $"peak RSS grew {growth / (1 << 20)} MiB for a {bomb.Length / 1024} KiB data set that inflates to 1 GiB\n{gateway.Log}");
    }

    private static async Task<DimseStatus> StoreAsync(int port, string transferSyntax, string sopInstanceUid, byte[] dataSet)
    {
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var association = await client.ConnectAsync("127.0.0.1", port,
            [new PresentationContextRequestItem(1, CtImageStorage, [transferSyntax])], CancellationToken.None);
        var status = await association.StoreAsync(CtImageStorage, sopInstanceUid, transferSyntax, new MemoryStream(dataSet), dataSet.Length, CancellationToken.None);
        await association.ReleaseAsync(CancellationToken.None);
        return status;
    }

    /// <summary>The data set with its Pixel Data replaced by 1 GiB of zeros (OB), deflated (PS3.5 A.5).</summary>
    private static byte[] DeflateBomb(byte[] dataSet)
    {
        var pixelData = dataSet.AsSpan().IndexOf(Convert.FromHexString("E07F1000"));
        Assert.True(pixelData > 0, "Pixel Data not found");
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(dataSet.AsSpan(0, pixelData));
            deflater.Write(Convert.FromHexString("E07F1000" + "4F420000"));
            deflater.Write(BitConverter.GetBytes((uint)BombPixelBytes));
            var zeros = new byte[1 << 20];
            for (long written = 0; written < BombPixelBytes; written += zeros.Length)
            {
                deflater.Write(zeros);
            }
        }

        return output.ToArray();
    }

    /// <summary>VmHWM of /proc/{pid}/status: the process's peak resident set size.</summary>
    private static long PeakRssBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
