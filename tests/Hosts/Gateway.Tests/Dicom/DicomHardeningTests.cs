using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// Issue #24 from outside: DCMTK's storescu reads the Error Comment of a refused C-STORE; data sets that do not end on
/// an element boundary (or nest too deep) are refused and not stored, whoever sends them; a calling AE title with
/// control bytes is rejected at negotiation and never reaches the log.
/// </summary>
public sealed class DicomHardeningTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string PydicomCorpus = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    [Fact]
    public async Task GivenAnInstanceTheGatewayRefuses_WhenStorescuSendsIt_ThenTheResponseCarriesTheReasonAsErrorComment()
    {
        using var temp = new TempDirectory();
        var instance = (await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1))[0];
        ReplaceInDataSet(instance.Path, instance.StudyInstanceUid, "1.2.X" + instance.StudyInstanceUid[5..]);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        // -d: storescu prints the response's status detail, which DCMTK fills from the Error Comment (0000,0902).
        var sent = await ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"),
            ["-d", "-aet", "TESTSCU", "-aec", "IMAGINGGW", "-to", "30", "127.0.0.1", gateway.Port.ToString(), instance.Path], TimeSpan.FromMinutes(1));

        Assert.Contains("0xc000", sent.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"\(0000,0902\) LO \[Study Instance UID '1\.2\.X[^\]]*\]", sent.Output);
        Assert.Empty(new GatewayData(gateway.DataDirectory).InstanceFiles());
    }

    [Fact]
    public async Task GivenPydicomsTruncatedMr_WhenTheGatewaysSendVerbSendsIt_ThenC000AndNothingIsStored()
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(PydicomCorpus, "MR_truncated.dcm");
        Assert.True(File.Exists(source), "pydicom's corpus is missing; tests/setup.d installs python3-pydicom");
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        var sent = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), source], TimeSpan.FromMinutes(1));

        Assert.Equal(1, sent.ExitCode);
        Assert.Contains($"FAILED {source}: status 0xC000", sent.StdOut, StringComparison.Ordinal);
        Assert.Empty(new GatewayData(gateway.DataDirectory).InstanceFiles());
        Assert.Contains("not well formed", gateway.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenDataSetsNotEndingOnAnElementBoundary_WhenSentRaw_ThenEachIsRefusedWithC000AndAGoodOneAfterThemIsStored()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 4, rows: 128);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        var dataSets = study.Select(i => Part10.DataSetBytes(i.Path)).ToList();
        var afterSeries = dataSets.Select(EndOfSeriesInstanceUid).ToList();
        byte[][] broken =
        [
            dataSets[0][..^3000], // Pixel Data cut short
            [.. dataSets[1][..afterSeries[1]], .. Convert.FromHexString("09001000" + "4F420000" + "F0FFFFFF"), .. dataSets[1][afterSeries[1]..]],
            [.. dataSets[2][..afterSeries[2]], .. Enumerable.Repeat(Convert.FromHexString("09001110" + "53510000" + "FFFFFFFF" + "FEFF00E0FFFFFFFF"), 10_000).SelectMany(b => b), .. dataSets[2][afterSeries[2]..]],
        ];
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW", Association = new() { MaxPduLength = 16384 } });
        await using var association = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [NetworkUids.ExplicitVrLittleEndian])], CancellationToken.None);

        var statuses = new List<DimseStatus>();
        for (var i = 0; i < broken.Length; i++)
        {
            statuses.Add(await association.StoreAsync(CtImageStorage, study[i].SopInstanceUid, NetworkUids.ExplicitVrLittleEndian, new MemoryStream(broken[i]), broken[i].Length, CancellationToken.None));
        }

        var good = await association.StoreAsync(CtImageStorage, study[3].SopInstanceUid, NetworkUids.ExplicitVrLittleEndian, new MemoryStream(dataSets[3]), dataSets[3].Length, CancellationToken.None);
        await association.ReleaseAsync(CancellationToken.None);

        Assert.All(statuses, s => Assert.Equal(DimseStatus.CannotUnderstand, s));
        Assert.Equal(DimseStatus.Success, good);
        Assert.Equal([study[3].SopInstanceUid], new GatewayData(gateway.DataDirectory).InstanceFiles().Keys);
    }

    [Fact]
    public async Task GivenACallingAeTitleWithALineFeed_WhenAssociating_ThenRejectedAtNegotiationAndTheLogHasNoForgedLine()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));
        var request = EchoscuAssociateRequest();
        var forged = Encoding.ASCII.GetBytes("X\nFORGED LINE");
        request.AsSpan(26, 16).Fill((byte)' ');
        forged.CopyTo(request, 26);

        var reply = await ExchangeAsync(gateway.Port, request, 10);
        var echo = await Dcmtk.EchoAsync(gateway.Port);

        // PS3.8 9.3.4: A-ASSOCIATE-RJ, rejected permanent, service user, calling AE title not recognized.
        Assert.Equal(Convert.FromHexString("0300000000040001" + "0103"), reply);
        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.DoesNotContain(gateway.Log.Split('\n'), line => line.StartsWith("FORGED", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GivenAPrivateSopClass_WhenProposed_ThenItIsStoredOnlyWithAcceptAnySopClass(bool acceptAny)
    {
        const string privateClass = "1.2.826.0.1.3680043.8.498"; // as long as CT Image Storage, to patch in place
        using var temp = new TempDirectory();
        var instance = (await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 1))[0];
        ReplaceInDataSet(instance.Path, CtImageStorage, privateClass);
        var dataSet = Part10.DataSetBytes(instance.Path);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"), extraArgs: [$"--Gateway:AcceptAnySopClass={acceptAny}"]);
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var association = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new PresentationContextRequestItem(1, privateClass, [NetworkUids.ExplicitVrLittleEndian]), new PresentationContextRequestItem(3, NetworkUids.Verification, [NetworkUids.ImplicitVrLittleEndian])], CancellationToken.None);

        var accepted = association.FindContext(privateClass, NetworkUids.ExplicitVrLittleEndian) is not null;
        var status = accepted
            ? await association.StoreAsync(privateClass, instance.SopInstanceUid, NetworkUids.ExplicitVrLittleEndian, new MemoryStream(dataSet), dataSet.Length, CancellationToken.None)
            : (DimseStatus?)null;
        await association.ReleaseAsync(CancellationToken.None);

        Assert.Equal(acceptAny, accepted);
        Assert.Equal(acceptAny ? DimseStatus.Success : null, status);
        Assert.Equal(acceptAny ? [instance.SopInstanceUid] : [], new GatewayData(gateway.DataDirectory).InstanceFiles().Keys);
    }

    /// <summary>DCMTK 3.6.7 echoscu's A-ASSOCIATE-RQ (ANY-SCP / ECHOSCU, Verification).</summary>
    internal static byte[] EchoscuAssociateRequest() => Convert.FromHexString(string.Concat("""
        0100000000cd00010000414e592d5343502020202020202020204543484f534355202020202020202020
        0000000000000000000000000000000000000000000000000000000000000000
        10000015312e322e3834302e31303030382e332e312e312e31
        2000002e0100ff00 30000011312e322e3834302e31303030382e312e31 40000011312e322e3834302e31303030382e312e32
        5000003a 5100000400004000 5200001b312e322e3237362e302e373233303031302e332e302e332e362e37 5500000f4f464649535f44434d544b5f333637
        """.Where(c => !char.IsWhiteSpace(c))));

    internal static async Task<byte[]> ExchangeAsync(int port, byte[] bytes, int stopAfter)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(bytes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.Length < stopAfter)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>The offset just after Series Instance UID (0020,000E) in an explicit VR little endian data set.</summary>
    private static int EndOfSeriesInstanceUid(byte[] dataSet)
    {
        var at = dataSet.AsSpan().IndexOf(Convert.FromHexString("20000E00" + "5549"));
        Assert.True(at > 0, "Series Instance UID not found");
        return at + 8 + BinaryPrimitives.ReadUInt16LittleEndian(dataSet.AsSpan(at + 6));
    }

    /// <summary>Replaces a value of the same length in the data set only (not in the file meta information).</summary>
    private static void ReplaceInDataSet(string path, string from, string to)
    {
        var bytes = File.ReadAllBytes(path);
        var dataSet = Part10.DataSetBytes(bytes);
        var offset = bytes.Length - dataSet.Length + dataSet.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        Assert.True(offset >= bytes.Length - dataSet.Length, $"{from} not found in the data set of {path}");
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, offset);
        File.WriteAllBytes(path, bytes);
    }
}
