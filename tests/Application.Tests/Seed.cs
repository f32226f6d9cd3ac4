using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;

namespace ImagingGateway.Application.Tests;

/// <summary>Puts instances into open batches directly (without a data set), for tests of what happens after a store.</summary>
public static class Seed
{
    public const string StudyUid = "1.2.826.0.1.3680043.8.498.1";
    public const string SeriesUid = "1.2.826.0.1.3680043.8.498.1.1";
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

    public static AeTitle Calling { get; } = AeTitle.Parse("MODALITY1");

    public static AeTitle Called { get; } = AeTitle.Parse("IMAGINGGW");

    public static string SopUid(int n) => $"1.2.826.0.1.3680043.8.498.1.1.{n}";

    /// <summary>Reserves a place, stores <paramref name="size"/> bytes at the instance key, completes; returns the batch to close, if any.</summary>
    public static ImportBatch? StoreOne(TestHost host, string associationId, int n, int size = 100)
    {
        var reservation = host.Registry.Reserve(associationId, Calling, Called);
        var instance = Instance(host, reservation.Batch, n, size);
        return host.Registry.Complete(reservation, instance);
    }

    public static ReceivedInstance Instance(TestHost host, ImportBatch batch, int n, int size = 100)
    {
        var sop = DicomUid.Parse(SopUid(n));
        var key = batch.KeyFor(sop);
        host.Store.Put(key, new byte[size]);
        return new ReceivedInstance(
            batch.Id, key, size, "sha256:" + new string('0', 64), DicomUid.Parse(CtImageStorage), sop, DicomUid.Parse(StudyUid),
            DicomUid.Parse(SeriesUid), "20261128", DicomUid.Parse(ExplicitVrLittleEndian), Calling, Called,
            batch.AssociationId, host.Time.GetUtcNow());
    }
}
