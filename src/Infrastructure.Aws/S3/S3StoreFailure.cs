using Amazon.Runtime;

namespace ImagingGateway.Infrastructure.Aws.S3;

/// <summary>
/// The instance store port's failure rule for S3: an error answer from S3 or a failed HTTP exchange with it is a
/// failure of the store, surfaced as an <see cref="IOException"/> (StoreInstance answers A700 and the sender retries).
/// </summary>
internal static class S3StoreFailure
{
    public static bool Is(Exception error) => error is AmazonServiceException or HttpRequestException;

    public static IOException Wrap(string operation, string key, Exception error) =>
        new($"S3 {operation} of '{key}' failed: {error.Message}", error);
}
