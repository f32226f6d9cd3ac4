using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// Sends a storage commitment report back on the association the request came on (PS3.4 J.3.3: the SCP may use it
/// while it is open). Usable from any task; the report waits until the N-ACTION-RSP has gone out.
/// </summary>
public interface IEventReportChannel
{
    /// <summary>
    /// Sends the N-EVENT-REPORT-RQ and waits for its N-EVENT-REPORT-RSP. Returns the response status, or null when the
    /// association is no longer open (or closes before the response), so the caller reports on a new association.
    /// </summary>
    Task<DimseStatus?> TrySendAsync(StorageCommitmentResult result, CancellationToken cancellationToken);
}
