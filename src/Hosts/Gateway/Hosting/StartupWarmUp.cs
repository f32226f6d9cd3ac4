using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Writing;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Gateway.Configuration;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>What <see cref="StartupWarmUp"/> did: instances sent and stored, whether their import completed, how long it took.</summary>
public sealed record WarmUpOutcome(int Sent, int Stored, bool Imported, TimeSpan Elapsed, string? Error)
{
    /// <summary>Every instance stored (<see cref="RunAsync"/> names the shortfall in <see cref="Error"/> otherwise).</summary>
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs before the gateway accepts associations (<c>Gateway:WarmUpAtStart</c>, on by default). A throwaway copy of the
/// gateway — the same configuration on the local adapters, in a scratch folder <c>{data}/.warmup-*</c> on the same
/// file system, on loopback ports — receives a few synthetic instances from our own SCU (8 KiB ones through the
/// store's journal, 640 KiB ones through a file of their own, in Explicit and Implicit VR Little Endian) and imports
/// them; then it stops and its folder is deleted. The receive, store and import code is compiled by then: without
/// tiered compilation the JIT compiles each method fully at its first call, about 250 of them on this path that
/// ReadyToRun cannot precompile (generic async state machines over framework types), so the first study after a
/// start (a deploy, a scale-out) would pay about a second of CPU for them (docs/performance.md, session 7).
/// Nothing reaches the real data directory, its counters or its metrics. A failure costs only the warm-up: the
/// caller logs it and starts as it would without one.
/// </summary>
public static class StartupWarmUp
{
    public const string FolderPrefix = ".warmup-";

    private const int SmallPixelBytes = 8 * 1024;
    private const int LargePixelBytes = 640 * 1024;
    private const int InstancePairs = 3;
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ImportWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs the warm-up for a gateway configured by <paramref name="configArgs"/> and <paramref name="overrides"/>
    /// (as given to <see cref="GatewayHost.TryConfigure"/>) and validated into <paramref name="options"/>. Never throws
    /// but for cancellation; a failure is in <see cref="WarmUpOutcome.Error"/>.
    /// </summary>
    public static async Task<WarmUpOutcome> RunAsync(
        string[] configArgs, IReadOnlyDictionary<string, string?> overrides, GatewayOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var scratch = Path.Combine(dataDirectory, FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        var sent = 0;
        var stored = 0;
        var imported = false;
        try
        {
            DeleteStaleFolders(dataDirectory);
            Directory.CreateDirectory(scratch);
            var ports = FreeLoopbackPorts(2);
            var scratchOverrides = new Dictionary<string, string?>(overrides)
            {
                ["Gateway:DataDirectory"] = scratch,
                ["Gateway:Port"] = ports[0].ToString(CultureInfo.InvariantCulture),
                ["Gateway:HttpPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
                ["Gateway:TlsPort"] = "0",
                ["Gateway:ListenAddress"] = "127.0.0.1",
                ["Gateway:WarmUpAtStart"] = "false",
                ["Gateway:Adapters:Storage"] = nameof(StorageAdapter.FileSystem),
                ["Gateway:Adapters:Jobs"] = nameof(JobsAdapter.Sqlite),
                ["Gateway:Adapters:Workflow"] = nameof(WorkflowAdapter.InProcess),
                ["Gateway:Adapters:Imaging"] = nameof(ImagingAdapter.Local),
                // A small store: a few prepared temp files, the smallest journal, an import polled often.
                ["Gateway:Local:Storage:PreparedTempFiles"] = "4",
                ["Gateway:Local:Storage:Journal:MaxSegments"] = "2",
                ["Gateway:Local:Workflow:WaitInterval"] = "00:00:00.050",
                ["Gateway:Local:Imaging:ProcessingDelay"] = "00:00:00",
            };

            if (!GatewayHost.TryConfigure(configArgs, scratchOverrides, out var builder, out _, out var errors))
            {
                return new WarmUpOutcome(0, 0, false, clock.Elapsed, "the scratch gateway's configuration is invalid: " + string.Join("; ", errors));
            }

            // The scratch copy logs nothing: its outcome is the caller's one line.
            builder.Logging.ClearProviders();
            var app = GatewayHost.Build(builder);
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    (sent, stored) = await SendAsync(options, ports[0], cancellationToken).ConfigureAwait(false);
                    if (stored == sent)
                    {
                        imported = await WaitForImportAsync(app.Services.GetRequiredService<IImportJobRepository>(), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    using var stop = new CancellationTokenSource(StopWait);
                    await app.StopAsync(stop.Token).ConfigureAwait(false);
                }
            }

            return new WarmUpOutcome(sent, stored, imported, clock.Elapsed, stored == sent ? null : $"{sent - stored} of {sent} synthetic instances were not stored");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new WarmUpOutcome(sent, stored, imported, clock.Elapsed, e.Message);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// <summary>One association: C-ECHO, then small and large instances in turn, in both little-endian syntaxes.</summary>
    private static async Task<(int Sent, int Stored)> SendAsync(GatewayOptions options, int port, CancellationToken cancellationToken)
    {
        var calling = options.AllowedCallingAeTitles.FirstOrDefault() ?? "WARMUP";
        var client = new DicomClient(new DicomClientOptions { CallingAeTitle = calling, CalledAeTitle = options.AeTitle });
        var syntaxes = new[] { TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian };
        var contexts = new[]
        {
            new PresentationContextRequestItem(1, SopClasses.Verification.Value, [TransferSyntax.ImplicitVRLittleEndian.Uid]),
            // One context per transfer syntax: the SCP accepts one syntax per context (PS3.8 9.3.3.2).
            new PresentationContextRequestItem(3, SopClasses.CTImageStorage.Value, [syntaxes[0].Uid]),
            new PresentationContextRequestItem(5, SopClasses.CTImageStorage.Value, [syntaxes[1].Uid]),
        };
        var association = await client.ConnectAsync("127.0.0.1", port, contexts, cancellationToken).ConfigureAwait(false);
        await using (association.ConfigureAwait(false))
        {
            await association.EchoAsync(cancellationToken).ConfigureAwait(false);
            var study = NewUid();
            var series = NewUid();
            var sent = 0;
            var stored = 0;
            for (var i = 0; i < 2 * InstancePairs; i++)
            {
                var syntax = syntaxes[i / 2 % syntaxes.Length];
                var instance = NewUid();
                var bytes = DataSetWriter.Encode(SyntheticInstance(study, series, instance, i + 1, i % 2 == 0 ? SmallPixelBytes : LargePixelBytes), syntax);
                using var content = new MemoryStream(bytes, writable: false);
                var status = await association.StoreAsync(SopClasses.CTImageStorage.Value, instance, syntax.Uid, content, bytes.Length, cancellationToken).ConfigureAwait(false);
                sent++;
                stored += status.IsSuccess ? 1 : 0;
            }

            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return (sent, stored);
        }
    }

    /// <summary>Waits until the scratch gateway's import job (one per association) has ended, or gives up quietly.</summary>
    private static async Task<bool> WaitForImportAsync(IImportJobRepository jobs, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ImportWait)
        {
            var page = await jobs.ListAsync(new PageRequest(10), cancellationToken).ConfigureAwait(false);
            if (page.Items.Count > 0 && page.Items.All(j => j.Status is ImportJobStatus.Completed or ImportJobStatus.Failed))
            {
                return page.Items.All(j => j.Status == ImportJobStatus.Completed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static DataSet SyntheticInstance(string study, string series, string instance, int number, int pixelBytes)
    {
        var columns = (ushort)256;
        var rows = (ushort)(pixelBytes / 2 / columns);
        var dataSet = new DataSet();
        dataSet.SetString(DicomTags.SOPClassUID, DicomVr.UI, SopClasses.CTImageStorage.Value);
        dataSet.SetString(DicomTags.SOPInstanceUID, DicomVr.UI, instance);
        dataSet.SetString(DicomTags.StudyDate, DicomVr.DA, "20260101");
        dataSet.SetString(DicomTags.Modality, DicomVr.CS, "CT");
        dataSet.SetString(DicomTags.PatientName, DicomVr.PN, "WARMUP^GATEWAY");
        dataSet.SetString(DicomTags.PatientID, DicomVr.LO, "WARMUP");
        dataSet.SetString(DicomTags.StudyInstanceUID, DicomVr.UI, study);
        dataSet.SetString(DicomTags.SeriesInstanceUID, DicomVr.UI, series);
        dataSet.SetString(DicomTags.InstanceNumber, DicomVr.IS, number.ToString(CultureInfo.InvariantCulture));
        dataSet.SetUInt16(DicomTags.SamplesPerPixel, 1);
        dataSet.SetString(DicomTags.PhotometricInterpretation, DicomVr.CS, "MONOCHROME2");
        dataSet.SetUInt16(DicomTags.Rows, rows);
        dataSet.SetUInt16(DicomTags.Columns, columns);
        dataSet.SetUInt16(DicomTags.BitsAllocated, 16);
        dataSet.SetUInt16(DicomTags.BitsStored, 12);
        dataSet.SetUInt16(DicomTags.HighBit, 11);
        dataSet.SetUInt16(DicomTags.PixelRepresentation, 0);
        dataSet.Set(new ValueElement(DicomTags.PixelData, DicomVr.OW, new byte[rows * columns * 2]));
        return dataSet;
    }

    /// <summary>A UID under 2.25 (ITU-T X.667): the decimal form of a random UUID.</summary>
    private static string NewUid() =>
        "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture);

    /// <summary>Ports the system hands out on loopback and takes back at once; the scratch gateway binds them next.</summary>
    private static int[] FreeLoopbackPorts(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Scratch folders a killed process left behind (a warm-up takes seconds; these are minutes old).</summary>
    private static void DeleteStaleFolders(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(dataDirectory, FolderPrefix + "*"))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > StaleAfter)
            {
                TryDelete(folder);
            }
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's stale-folder sweep.
        }
    }
}
