using System.Diagnostics;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Tests.Network.TestSupport;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// The server streams an instance through without holding it. The working set is the test process's, so the class
/// runs alone (<see cref="ProcessWideMeasurements"/>): only this server and its client grow it.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public class DicomServerMemoryTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    [Fact]
    public async Task GivenOneGigabyteInstance_WhenStored_ThenProcessMemoryStaysFlat()
    {
        await using var server = TestServer.Start();
        server.Provider.DiscardData = true;
        var client = new DicomClient(new DicomClientOptions());
        await using var association = await client.ConnectAsync("127.0.0.1", server.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [NetworkUids.ExplicitVrLittleEndian])], CancellationToken.None);
        const long size = 1L << 30;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20);
            }
        });

        var status = await association.StoreAsync(CtImageStorage, "1.2.3.4", NetworkUids.ExplicitVrLittleEndian, new SyntheticStream(size), size, CancellationToken.None);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(DimseStatus.Success, status);
        Assert.Equal(size, server.Provider.BytesReceived);
        Assert.True(peak - baseline < 64L << 20, $"working set grew by {(peak - baseline) >> 20} MB while storing 1 GB");
    }
}
