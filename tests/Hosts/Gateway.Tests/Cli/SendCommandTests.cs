using System.Diagnostics;
using System.Security.Cryptography;
using ImagingGateway.Dicom.Tests.Network.TestSupport;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Cli;

/// <summary>The <c>send</c> verb is <see cref="ImagingGateway.Dicom.Network.Client.DicomClient"/> with a progress bar and a summary.</summary>
public sealed class SendCommandTests
{
    [Fact]
    public async Task GivenAFolderOfMoreSopClassesThanOneAssociationCanPropose_WhenSentToStorescp_ThenEveryFileArrivesByteIdentical()
    {
        // 130 SOP classes at 2 contexts each (the file's syntax and the Implicit VR fallback) need 260 presentation
        // contexts: more than one association's 128 (PS3.8 9.3.2.2), over each of the 2 parallel associations.
        using var temp = new TempDirectory();
        var files = DistinctSopClassFiles.Write(temp.Sub("study"), 130);
        var received = temp.Sub("received");
        var port = FreePorts.Take(1)[0];
        using var storescp = Process.Start(new ProcessStartInfo(ProcessRunner.RequireTool("storescp"),
            ["-pm", "+B", "-od", received, "-aet", "STORESCP", port.ToString()]))!;
        try
        {
            Assert.True(await GatewayProcess.WaitUntilAsync(async () => (await Dcmtk.EchoAsync(port, "STORESCP")).ExitCode == 0, TimeSpan.FromSeconds(20)),
                "storescp did not answer C-ECHO");

            var sent = await ProcessRunner.RunAsync("dotnet",
                [GatewayProcess.DllPath, "send", "127.0.0.1", port.ToString(), Path.Combine(temp.Path, "study"), "--concurrency", "2", "-aec", "STORESCP"],
                TimeSpan.FromMinutes(2));

            Assert.True(sent.ExitCode == 0, sent.Output);
            Assert.Contains("Sent 130 file(s)", sent.StdOut, StringComparison.Ordinal);
            Assert.Contains("130 stored", sent.StdOut, StringComparison.Ordinal);
            var expected = files.Select(f => Hash(Part10.DataSetBytes(f.Path))).Order(StringComparer.Ordinal);
            var arrived = Directory.GetFiles(received).Select(f => Hash(Part10.DataSetBytes(f))).Order(StringComparer.Ordinal);
            Assert.Equal(expected, arrived);
        }
        finally
        {
            storescp.Kill(entireProcessTree: true);
            await storescp.WaitForExitAsync();
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
