namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>One image set of the local store: the instances of one series, with a version bumped at every import into it.</summary>
public sealed record LocalImageSet(
    string ImageSetId,
    string DatastoreId,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
