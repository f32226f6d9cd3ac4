using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// The write-through end of a C-STORE's data set: what is copied into it is watched by the header sniffer and written
/// on into the Part 10 file, with no buffer of its own, so the content stream's <c>CopyToAsync</c> can hand its own
/// memory straight to the upload. Once the header is refused or the store fails, the rest is only counted away (the
/// sender's stream must still be drained); the outcome is read afterwards from <see cref="Rejection"/> and
/// <see cref="StoreFailure"/>. A <see cref="DataSetStructureWalker"/> follows the element structure to the end (issue
/// #24), so a data set cut inside an element, with a length past its end, or nested too deep is refused (C000), not
/// acknowledged and then failed at import; a deflated one that inflates past its limit is refused with A700.
/// </summary>
internal sealed class DataSetIntake(Part10FileWriter writer, DataSetHeaderSniffer sniffer, IDataSetStructureWalk? walker, string sopClassUid, string sopInstanceUid, Exception? storeFailure) : Stream
{
    /// <summary>The header's refusal (status and detail), once the header was read and refused.</summary>
    public (DimseStatus Status, string Detail)? Rejection { get; private set; }

    /// <summary>The store's own failure (disk full, S3 unreachable); nothing is written after it.</summary>
    public Exception? StoreFailure { get; private set; } = storeFailure;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// The data set ended: the header is decided with what there is (a data set shorter than the sniffer's first
    /// attempt is read only now) and checked if it was not already, and returned.
    /// </summary>
    public HeaderReadResult Finish()
    {
        if (sniffer.Result is null)
        {
            Rejection = InstanceChecks.Check(sniffer.Finish(), sopClassUid, sopInstanceUid);
        }

        if (Rejection is null && walker?.Finish() is { } error)
        {
            Rejection = Refusal(error);
        }

        return sniffer.Result!;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (sniffer.Result is null)
        {
            sniffer.Append(buffer.Span);
            if (sniffer.Result is { } early)
            {
                Rejection = InstanceChecks.Check(early, sopClassUid, sopInstanceUid);
            }
        }

        if (StoreFailure is not null || Rejection is not null)
        {
            return;
        }

        if (walker is not null)
        {
            walker.Append(buffer);
            if (walker.Error is { } error)
            {
                Rejection = Refusal(error);
                return;
            }
        }

        try
        {
            await writer.WriteDataSetAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreInstanceHandler.IsStoreFailure(ex))
        {
            StoreFailure = ex;
        }
    }

    private (DimseStatus Status, string Detail) Refusal(DicomReadError error) =>
        walker is DeflatedDataSetWalker { InflatedSizeExceeded: true } deflated
            ? (DimseStatus.OutOfResources, $"inflates past Gateway:MaxInflatedDataSetBytes ({deflated.MaxInflatedBytes})")
            : (DimseStatus.CannotUnderstand, $"data set is not well formed: {error}");

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The upload is written asynchronously: the content is copied in with <c>CopyToAsync</c>.</summary>
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The data set is copied in asynchronously (CopyToAsync).");

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
