namespace ImagingGateway.Application.Common.Options;

/// <summary>Limits on what a C-STORE may hand the gateway; the keys sit directly in the <c>Gateway</c> section.</summary>
public sealed class ReceiveOptions
{
    public const long DefaultMaxInflatedDataSetBytes = 4L << 30;

    /// <summary>
    /// <c>Gateway:MaxInflatedDataSetBytes</c>: a Deflated Explicit VR Little Endian data set (PS3.5 A.5) that inflates
    /// to more than this is refused with 0xA700 while it is received, and nothing is stored.
    /// </summary>
    public long MaxInflatedDataSetBytes { get; set; } = DefaultMaxInflatedDataSetBytes;
}
