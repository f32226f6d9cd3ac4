using System.Text;
using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>DCMTK storescp (AE STORESCP, bit-preserving, files named by SOP instance UID) on a free port, for SCU tests.</summary>
public static class Storescp
{
    /// <summary>
    /// Starts storescp with <paramref name="options"/> writing into a fresh temp folder, waits until it answers C-ECHO,
    /// runs <paramref name="body"/> with a client calling it, then kills it and deletes the folder.
    /// </summary>
    public static async Task RunAsync(IEnumerable<string> options, Func<(DicomClient Client, int Port, string Folder, StringBuilder Log), Task> body)
    {
        var folder = Directory.CreateTempSubdirectory("dicom-net-storescp-").FullName;
        var port = FreePort.Next();
        var storescp = ExternalTool.Start("storescp", ["-v", "+B", .. options, "+uf", "-od", folder, "-aet", "STORESCP", port.ToString()], out var log);
        try
        {
            var client = new DicomClient(new DicomClientOptions { CallingAeTitle = "OURSCU", CalledAeTitle = "STORESCP" });
            await WaitForListenerAsync(client, port);
            await body((client, port, folder, log));
        }
        finally
        {
            ExternalTool.Kill(storescp);
            storescp.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The files storescp wrote, renamed with a .dcm extension.</summary>
    public static string[] ReceivedFiles(string folder)
    {
        foreach (var received in Directory.GetFiles(folder).Where(f => !f.EndsWith(".dcm", StringComparison.Ordinal)))
        {
            File.Move(received, received + ".dcm");
        }

        return Directory.GetFiles(folder, "*.dcm");
    }

    private static async Task WaitForListenerAsync(DicomClient client, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.EchoAsync("127.0.0.1", port, CancellationToken.None);
                return;
            }
            catch (DicomNetworkException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
