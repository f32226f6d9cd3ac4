namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// The form of <see cref="StoredObjectInfo.Checksum"/>: the algorithm's name, a colon and the digest in lowercase
/// hex, as in <c>crc32c:e306…</c> (the S3 store, whose PUTs S3 verifies with that CRC32C), <c>sha256:9f86…</c> (S3
/// objects written with a SHA-256) or <c>xxh3:2d06…</c> (the file-system store: XXH3 64-bit, the value
/// <c>xxhsum -H3</c> prints). A checksum guards against corruption, not
/// forgery; each store picks the algorithm its own checks use, and a reader compares a checksum only with one of
/// the same algorithm.
/// </summary>
public static class ObjectChecksum
{
    public const string Sha256Algorithm = "sha256";

    public const string Xxh3Algorithm = "xxh3";

    public const string Crc32CAlgorithm = "crc32c";

    /// <summary><c>sha256:</c> and the 32-byte digest in lowercase hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> digest) =>
        digest.Length == 32
            ? $"{Sha256Algorithm}:{Convert.ToHexStringLower(digest)}"
            : throw new ArgumentException($"a SHA-256 digest is 32 bytes, not {digest.Length}", nameof(digest));

    /// <summary><c>xxh3:</c> and the 64-bit XXH3 value as 16 lowercase hex digits.</summary>
    public static string Xxh3(ulong value) => $"{Xxh3Algorithm}:{value:x16}";

    /// <summary><c>crc32c:</c> and the CRC-32C (Castagnoli) value as 8 lowercase hex digits.</summary>
    public static string Crc32C(uint value) => $"{Crc32CAlgorithm}:{value:x8}";
}
