using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// DCMTK echoscu/storescu against our DicomServer. storescu re-encodes every data set it sends (and converts the
/// transfer syntax to the accepted one), so received files are compared element by element with dcmdump; the byte-exact
/// proof is in DicomClientTests (our SCU sends the file bytes verbatim, to our SCP and to storescp +B).
/// </summary>
public class DicomServerDcmtkTests
{
    internal static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task GivenServer_WhenEchoscu_ThenEchoSucceedsAndAssociationIsReleased()
    {
        await using var server = TestServer.Start();
        var result = await ExternalTool.RunAsync("echoscu", ["-v", "-aec", "IMAGINGGW", "127.0.0.1", server.Port.ToString()], ToolTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Received Echo Response (Success)", result.Output);
        await WaitForAsync(() => server.Provider.Released.Count == 1);
        Assert.Equal("ECHOSCU", server.Provider.Released.Single().CallingAeTitle);
    }

    [Fact]
    public async Task GivenCalledAeCheck_WhenEchoscuCallsAnotherAe_ThenRejectedCalledAeNotRecognized()
    {
        await using var server = TestServer.Start(new AssociationPolicy { AeTitle = "IMAGINGGW", CheckCalledAeTitle = true });
        var result = await ExternalTool.RunAsync("echoscu", ["-v", "-aec", "WRONGAE", "127.0.0.1", server.Port.ToString()], ToolTimeout);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Called AE Title Not Recognized", result.Output);
        var accepted = await ExternalTool.RunAsync("echoscu", ["-aec", "IMAGINGGW", "127.0.0.1", server.Port.ToString()], ToolTimeout);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
    }

    [Fact]
    public async Task GivenCallingAllowList_WhenStorescuCallsFromUnlistedAe_ThenRejectedCallingAeNotRecognized()
    {
        await using var server = TestServer.Start(new AssociationPolicy { AllowedCallingAeTitles = new HashSet<string> { "MODALITY1" } });
        var file = Path.Combine(Corpus.RequireDirectory(), "CT_small.dcm");
        var result = await ExternalTool.RunAsync("storescu", ["-v", "-aet", "INTRUDER", "127.0.0.1", server.Port.ToString(), file], ToolTimeout);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", result.Output);
        Assert.Empty(Directory.GetFiles(server.Folder));

        var allowed = await ExternalTool.RunAsync("storescu", ["-aet", "MODALITY1", "127.0.0.1", server.Port.ToString(), file], ToolTimeout);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal(1, await Corpus.AssertReceivedEquivalentToSourcesAsync(server.Folder));
    }

    [Fact]
    public async Task GivenOnlyCtAccepted_WhenStorescuSendsMr_ThenContextRejectedAbstractSyntaxNotSupported()
    {
        await using var server = TestServer.Start(new AssociationPolicy { IsAbstractSyntaxAccepted = uid => uid == "1.2.840.10008.5.1.4.1.1.2" });
        var file = Path.Combine(Corpus.RequireDirectory(), "MR_small.dcm");
        var result = await ExternalTool.RunAsync("storescu", ["-d", "-R", "127.0.0.1", server.Port.ToString(), file], ToolTimeout);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Abstract Syntax Not Supported", result.Output);
        Assert.Empty(Directory.GetFiles(server.Folder));
    }

    [Theory]
    [InlineData("4096", "-xe")]
    [InlineData("131072", "-xb")]
    [InlineData("65536", "-xd")]
    [InlineData("8192", "-x=")]
    public async Task GivenCorpusDirectory_WhenStorescuSendsAllInOneAssociation_ThenEveryStoredDataSetIsEquivalent(string maxPdu, string proposal)
    {
        await using var server = TestServer.Start();
        var result = await ExternalTool.RunAsync("storescu",
            ["-v", "-nh", "+sd", "--max-pdu", maxPdu, proposal, "-aec", "IMAGINGGW", "127.0.0.1", server.Port.ToString(), Corpus.RequireDirectory()], ToolTimeout);
        await AssertEverySentStoreSucceededAsync(server, result);
    }

    [Fact]
    public async Task GivenImplicitVrFiles_WhenStorescuProposesImplicitOnly_ThenEveryStoredDataSetIsEquivalent()
    {
        // -xi makes storescu convert explicit VR files to implicit, which loses the VR of private and group length
        // elements; the files that are implicit already travel unchanged.
        await using var server = TestServer.Start();
        var files = Corpus.Part10Files().Where(f => f.TransferSyntaxUid == "1.2.840.10008.1.2").Select(f => f.Path).ToList();
        Assert.True(files.Count >= 5, $"only {files.Count} implicit VR files in the corpus");
        var result = await ExternalTool.RunAsync("storescu",
            ["-v", "-nh", "--max-pdu", "16384", "-xi", "127.0.0.1", server.Port.ToString(), .. files], ToolTimeout);
        var (requests, unconvertible) = await AssertEverySentStoreSucceededAsync(server, result);

        // Nothing needs converting; the files storescu will not send are those it cannot read itself (a truncated one,
        // and two without a SOP class or instance UID where DCMTK looks for it), each named in its output.
        Assert.Equal(0, unconvertible);
        var unreadable = CountOccurrences(result.Output, "E: Bad DICOM file:") + CountOccurrences(result.Output, "E: No SOP Class or Instance UID in file:");
        Assert.True(requests + unreadable == files.Count, $"{requests} sent and {unreadable} unreadable of {files.Count}\n{result}");
    }

    /// <summary>
    /// Every C-STORE request storescu put on the wire was answered Success and its data set arrived; the requests it
    /// could not send are its own failures, each "unable to convert dataset from" a compressed syntax it has no codec
    /// for to the one accepted. Returns the requests and those conversion failures.
    /// </summary>
    private static async Task<(int Requests, int Unconvertible)> AssertEverySentStoreSucceededAsync(TestServer server, ExternalTool.Result result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var requests = CountOccurrences(result.Output, "Sending Store Request");
        var unconvertible = CountOccurrences(result.Output, "unable to convert dataset from");
        var successes = CountOccurrences(result.Output, "Received Store Response (Success)");
        Assert.True(successes > 0 && successes == requests - unconvertible, $"{successes} of {requests} requests stored, {unconvertible} not convertible by storescu\n{result}");
        Assert.Equal(successes, CountOccurrences(result.Output, "Received Store Response"));
        Assert.Equal(unconvertible, CountOccurrences(result.Output, "E: Store Failed"));
        Assert.Equal(1, CountOccurrences(result.Output, "Requesting Association"));
        Assert.Equal(successes, await Corpus.AssertReceivedEquivalentToSourcesAsync(server.Folder));
        await WaitForAsync(() => server.Provider.Released.Count == 1);
        Assert.Empty(server.Provider.AbortedAssociations);
        return (requests, unconvertible);
    }

    [Fact]
    public async Task GivenOneFile_WhenStorescuRepeatsItManyTimes_ThenEveryCopyIsStored()
    {
        await using var server = TestServer.Start();
        var file = Path.Combine(Corpus.RequireDirectory(), "CT_small.dcm");
        var result = await ExternalTool.RunAsync("storescu", ["-v", "--repeat", "25", "127.0.0.1", server.Port.ToString(), file], ToolTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(25, await Corpus.AssertReceivedEquivalentToSourcesAsync(server.Folder));
    }

    internal static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not met within 5 s");
    }
}
