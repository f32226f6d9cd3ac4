namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// Whether the host is receiving instances now (a DICOM association is open). The local HealthImaging stand-in runs
/// on the gateway's own cores, so it holds a new import job back while this is true, for at most
/// <see cref="LocalImagingOptions.DeferWhileReceiving"/>: the senders wait for every C-STORE response, nobody waits on
/// an import. The real HealthImaging imports on AWS's side and needs nothing of the kind.
/// </summary>
public interface IReceptionActivity
{
    bool IsReceiving { get; }
}
