using System.Security.Cryptography;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>Pseudo-random bytes from a seed (xorshift64), generated chunk by chunk so large objects never sit in memory.</summary>
public static class DeterministicContent
{
    public static async Task<string> WriteAsync(Stream destination, long length, ulong seed, int chunkSize = 64 * 1024, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[chunkSize];
        var state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
        for (long written = 0; written < length;)
        {
            var n = (int)Math.Min(chunkSize, length - written);
            for (var i = 0; i < n; i += 8)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                var bytes = BitConverter.GetBytes(state);
                bytes.AsSpan(0, Math.Min(8, n - i)).CopyTo(buffer.AsSpan(i));
            }

            hash.AppendData(buffer, 0, n);
            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            written += n;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static async Task<(long Length, string Sha256)> HashAsync(Stream source, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            length += n;
        }

        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
