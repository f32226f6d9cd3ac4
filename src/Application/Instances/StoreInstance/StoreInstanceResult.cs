using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Dicom.Network.Dimse;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// The C-STORE outcome. <see cref="Status"/> is a DIMSE status (PS3.7 Annex C); Success only once the
/// instance is durably stored. <see cref="ErrorComment"/> fits Error Comment (0000,0902), at most 64 characters;
/// <see cref="Detail"/> is the full explanation for the log.
/// </summary>
public sealed record StoreInstanceResult(
    DimseStatus Status,
    string? ErrorComment,
    string? Detail,
    string? BatchId,
    string? ObjectKey,
    long Size,
    string? Checksum)
{
    public const int MaxErrorCommentLength = 64;

    public bool IsSuccess => Status == DimseStatus.Success;

    public static StoreInstanceResult Failure(DimseStatus status, string detail, string? batchId) =>
        new(status, Comment(detail), detail, batchId, null, 0, null);

    /// <summary>
    /// The answer to a C-STORE whose command fields failed validation (the pipeline threw before the handler ran,
    /// so the SCP must still discard the data set): 0xC000 naming the fields.
    /// </summary>
    public static StoreInstanceResult FromValidationFailure(RequestValidationException exception) =>
        Failure(DimseStatus.CannotUnderstand, exception.Message, null);

    private static string Comment(string detail)
    {
        var ascii = new string([.. detail.Select(c => c is >= ' ' and <= '~' && c != '\\' ? c : ' ')]);
        return ascii.Length <= MaxErrorCommentLength ? ascii : ascii[..MaxErrorCommentLength];
    }
}
