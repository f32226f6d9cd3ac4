using System.Buffers;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;
using Microsoft.Extensions.Logging;
using DomainUid = ImagingGateway.Domain.Dicom.DicomUid;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// One C-STORE's data set on its way into the instance store as a Part 10 file: the SCP writes each received segment
/// (<see cref="WriteAsync"/>), then either completes (<see cref="CompleteAsync"/>, which answers) or aborts. Each segment
/// is read for the header (PS3.5 7, up to Series Instance UID), walked for the data set's structure, and written straight
/// on to the upload, never held; the upload is committed only when the header fits the command and the data set is well
/// formed, and 0x0000 is returned only after the commit. A refused or failed data set is still taken to its end, and
/// ignored, so the association goes on. The session holds the instance's place in its batch until it ends; a batch the
/// instance fills is closed in the background (<see cref="BatchCloser.StartClose"/>), so the answer waits only for the
/// instance's own commit and its batch's open-batch marker.
/// <para>
/// When batches are grouped by study (<see cref="GroupingPolicy.PerCallingAeAndStudy"/>) the batch, and so the key, is
/// known only once the header gives the Study Instance UID: until then the received bytes are held (at most the
/// header, <see cref="InstanceChecks.MaxHeaderBytes"/>; usually the first segment already holds it), and the place
/// and the upload are taken then.
/// </para>
/// </summary>
public sealed partial class StoreInstanceSession : IAsyncDisposable
{
    private readonly StoreInstanceCommand _command;
    private readonly AeTitle _calling;
    private readonly AeTitle _called;
    private readonly DomainUid _sopInstanceUid;
    private readonly OpenBatchRegistry _registry;
    private readonly BatchCloser _closer;
    private readonly IInstanceStore _store;
    private readonly OpenBatchMarkers _markers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InstanceHeaderReader _header;
    private readonly DataSetStructureWalker _walker;
    private BatchReservation? _reservation;
    private string? _key;
    private ArrayBufferWriter<byte>? _held;
    private bool _opened;
    private IInstanceUpload? _upload;
    private Part10FileWriter? _writer;
    private (DimseStatus Status, string Detail)? _refusal;
    private Exception? _storeFailure;
    private bool _ended;

    /// <param name="reservation">The instance's place, or null when it can be taken only once the header is read.</param>
    internal StoreInstanceSession(
        StoreInstanceCommand command, AeTitle calling, AeTitle called, DomainUid sopInstanceUid, BatchReservation? reservation,
        OpenBatchRegistry registry, BatchCloser closer, IInstanceStore store, OpenBatchMarkers markers, TimeProvider time,
        long maxInflatedBytes, ILogger logger)
    {
        _command = command;
        _calling = calling;
        _called = called;
        _sopInstanceUid = sopInstanceUid;
        _reservation = reservation;
        _registry = registry;
        _closer = closer;
        _store = store;
        _markers = markers;
        _time = time;
        _logger = logger;
        _key = reservation?.Batch.KeyFor(sopInstanceUid);
        var syntax = TransferSyntax.Lookup(command.TransferSyntaxUid);
        _header = InstanceHeaderReader.ForDataSet(syntax, InstanceChecks.HeaderOptions, InstanceChecks.MaxHeaderBytes, maxInflatedBytes);
        // A deflated data set (PS3.5 A.5) is inflated as it arrives, so a bomb is refused before anything is stored.
        _walker = new DataSetStructureWalker(syntax, maxInflatedBytes);
    }

    /// <summary>The batch the instance goes into; null while it waits for its header to pick one.</summary>
    public string? BatchId => _reservation?.Batch.Id.Value;

    /// <summary>Data set bytes written so far.</summary>
    public long Length { get; private set; }

    /// <summary>
    /// The next bytes of the data set, valid only during the call: the upload's write is awaited before this returns, so
    /// a slow store slows the sender. Once the data set is refused or the store failed, the rest is only counted.
    /// </summary>
    public ValueTask WriteAsync(ReadOnlySequence<byte> segment, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        Length += segment.Length;
        if (_refusal is not null || (_opened && _writer is null))
        {
            return ValueTask.CompletedTask;
        }

        if (_header.Result is null && !_header.Write(segment))
        {
            _refusal = Refusal(_header);
            if (_refusal is not null)
            {
                return ValueTask.CompletedTask;
            }
        }

        if (_storeFailure is not null)
        {
            return ValueTask.CompletedTask;
        }

        _walker.Write(segment);
        if (_walker.Error is { } error)
        {
            _refusal = Refusal(error);
            return ValueTask.CompletedTask;
        }

        if (!_opened)
        {
            if (_header.Result is null)
            {
                _held ??= new ArrayBufferWriter<byte>();
                foreach (var memory in segment)
                {
                    _held.Write(memory.Span);
                }

                return ValueTask.CompletedTask;
            }

            return OpenThenWriteAsync(segment, cancellationToken);
        }

        return segment.IsSingleSegment ? WriteToUploadAsync(segment.First, cancellationToken) : WriteToUploadAsync(segment, cancellationToken);
    }

    /// <summary>
    /// The data set is complete: decides and, when it is fit, commits the upload. 0x0000 only after the commit; C000 or
    /// A900 for a refused data set, A700 when the store failed or a deflated data set inflates past its limit.
    /// </summary>
    public async ValueTask<StoreInstanceResult> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        _ended = true;
        ReceivedInstance? stored = null;
        try
        {
            (var result, stored) = await FinishAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (_upload is not null)
            {
                await _upload.DisposeAsync();
            }

            Release(stored);
        }
    }

    /// <summary>The data set will not complete (association aborted, transport lost): the upload is discarded.</summary>
    public async ValueTask AbortAsync()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        try
        {
            if (_upload is not null)
            {
                await _upload.DisposeAsync();
            }
        }
        finally
        {
            _walker.Finish();
            Release(null);
        }
    }

    /// <summary>Aborts the session unless it was completed.</summary>
    public ValueTask DisposeAsync() => AbortAsync();

    /// <summary>The failures of the store itself (disk full, S3 unreachable), answered with A700; not the sender's.</summary>
    internal static bool IsStoreFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or TimeoutException;

    /// <summary>Opens the upload and writes the file meta information (PS3.10 7.1); a store failure is kept for the answer.</summary>
    internal async Task OpenAsync(CancellationToken cancellationToken)
    {
        _opened = true;
        var meta = DicomFileMetaInformation.Create(_command.SopClassUid, _command.SopInstanceUid, _command.TransferSyntaxUid, _calling.Value) with
        {
            SendingApplicationEntityTitle = _calling.Value,
            ReceivingApplicationEntityTitle = _called.Value,
        };
        try
        {
            _upload = await _store.BeginPutAsync(_key!, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            _storeFailure = ex;
            return;
        }

        _writer = new Part10FileWriter(_upload.Content);
        try
        {
            await _writer.WriteFileMetaInformationAsync(meta, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            _storeFailure = ex;
        }
    }

    /// <summary>The header is accepted: takes the place in the study's batch, opens the upload, and writes what was held.</summary>
    private async Task OpenForStudyAsync(CancellationToken cancellationToken)
    {
        var study = DomainUid.Parse(_header.Result!.Header!.StudyInstanceUid);
        _reservation = _registry.Reserve(_command.AssociationId, _calling, _called, study);
        _key = _reservation.Batch.KeyFor(_sopInstanceUid);
        await OpenAsync(cancellationToken);
        if (_writer is not null && _storeFailure is null && _held is { WrittenCount: > 0 } held)
        {
            await WriteToUploadAsync(held.WrittenMemory, cancellationToken);
        }

        _held = null;
    }

    private async ValueTask OpenThenWriteAsync(ReadOnlySequence<byte> segment, CancellationToken cancellationToken)
    {
        await OpenForStudyAsync(cancellationToken);
        if (_writer is not null && _storeFailure is null)
        {
            await WriteToUploadAsync(segment, cancellationToken);
        }
    }

    private async ValueTask WriteToUploadAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _writer!.WriteDataSetAsync(bytes, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            _storeFailure = ex;
        }
    }

    private async ValueTask WriteToUploadAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _writer!.WriteDataSetAsync(bytes, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            _storeFailure = ex;
        }
    }

    private async Task<(StoreInstanceResult, ReceivedInstance?)> FinishAsync(CancellationToken cancellationToken)
    {
        if (_opened && _writer is null)
        {
            return (OutOfResources(_storeFailure!), null);
        }

        // A data set shorter than the header's stop tag is decided only now.
        if (_refusal is null && _header.Result is null)
        {
            _header.Finish();
            _refusal = Refusal(_header);
        }

        if (_refusal is null && _storeFailure is null && _walker.Finish() is { } error)
        {
            _refusal = Refusal(error);
        }

        if (_refusal is { } refusal)
        {
            LogRejected(_logger, _command.AssociationId, _command.SopInstanceUid, refusal.Status.Code, refusal.Detail);
            return (StoreInstanceResult.Failure(refusal.Status, refusal.Detail, BatchId), null);
        }

        if (!_opened)
        {
            // A data set shorter than the header's stop tag: its study is known only now.
            await OpenForStudyAsync(cancellationToken);
        }

        if (_storeFailure is not null || _writer is null)
        {
            return (OutOfResources(_storeFailure!), null);
        }

        // The batch's open-batch marker is written alongside its first commit, so it costs no round trip of its own.
        var marker = _registry.EnsureMarker(_reservation!.Batch, b => _markers.WriteAsync(b, CancellationToken.None));
        StoredObjectInfo info;
        try
        {
            await _writer.FlushAsync(cancellationToken);
            info = await _upload!.CommitAsync(cancellationToken);
            // Without its marker a crash could leave the batch unimported: no success before the marker is durable.
            await marker;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            // The marker's write settles before the answer too, so nothing this store began is still running after it.
            await marker.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (OutOfResources(ex), null);
        }

        var header = _header.Result!.Header!;
        var instance = new ReceivedInstance(
            _reservation.Batch.Id,
            _key!,
            info.Size,
            info.Checksum ?? string.Empty,
            DomainUid.Parse(_command.SopClassUid),
            _sopInstanceUid,
            DomainUid.Parse(header.StudyInstanceUid),
            DomainUid.Parse(header.SeriesInstanceUid),
            InstanceChecks.StudyDateOrNull(header.StudyDate),
            DomainUid.Parse(_command.TransferSyntaxUid),
            _calling,
            _called,
            _command.AssociationId,
            _time.GetUtcNow());
        LogStored(_logger, _command.AssociationId, _command.SopInstanceUid, _key!, info.Size);
        return (new StoreInstanceResult(DimseStatus.Success, null, null, BatchId, _key, info.Size, info.Checksum), instance);
    }

    private (DimseStatus Status, string Detail)? Refusal(InstanceHeaderReader header) =>
        header.InflatedSizeExceeded
            ? InflatedTooLarge(_walker.MaxInflatedBytes)
            : InstanceChecks.Check(header.Result!, _command.SopClassUid, _command.SopInstanceUid);

    private (DimseStatus Status, string Detail) Refusal(DicomReadError error) =>
        _walker.InflatedSizeExceeded ? InflatedTooLarge(_walker.MaxInflatedBytes) : (DimseStatus.CannotUnderstand, $"data set is not well formed: {error}");

    private static (DimseStatus Status, string Detail) InflatedTooLarge(long limit) =>
        (DimseStatus.OutOfResources, $"inflates past Gateway:MaxInflatedDataSetBytes ({limit})");

    private StoreInstanceResult OutOfResources(Exception ex)
    {
        LogStoreFailed(_logger, ex, _command.AssociationId, _command.SopInstanceUid, _key ?? "(no key yet)");
        return StoreInstanceResult.Failure(DimseStatus.OutOfResources, $"instance could not be stored: {ex.Message}", BatchId);
    }

    /// <summary>
    /// Gives the batch place back, with the instance when it was stored, and starts closing the batch when that filled
    /// it: the close runs in the background, so this store's answer does not wait for the manifest or the index.
    /// </summary>
    private void Release(ReceivedInstance? stored)
    {
        _held = null;
        if (_reservation is not null && _registry.Complete(_reservation, stored) is { } full)
        {
            _closer.StartClose(full, _registry.Policy == GroupingPolicy.PerInstance ? "instance stored" : "batch full");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Association {AssociationId}: stored {SopInstanceUid} at {Key} ({Size} bytes)")]
    private static partial void LogStored(ILogger logger, string associationId, string sopInstanceUid, string key, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: rejected {SopInstanceUid} with status {Status:X4}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string associationId, string sopInstanceUid, ushort status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Association {AssociationId}: storing {SopInstanceUid} at {Key} failed; answering A700")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string associationId, string sopInstanceUid, string key);
}
