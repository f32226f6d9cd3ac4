namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="HealthImagingDatastore"/>.</summary>
/// <param name="Input">the bucket HealthImaging imports from</param>
/// <param name="InputKeyPattern">the keys it may read, e.g. <c>dicom/*</c></param>
/// <param name="Output">the bucket HealthImaging writes its job results to</param>
public sealed record HealthImagingDatastoreProps(SecureBucket Input, string InputKeyPattern, SecureBucket Output);
