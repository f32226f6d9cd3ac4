using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Batches;

/// <summary>
/// Our identifier of an import batch: a ULID (48-bit millisecond timestamp + 80 random bits, 26 characters of
/// Crockford base 32). Sortable by time and safe in an object key, an execution name and a client token.
/// </summary>
public readonly record struct BatchId
{
    public const int Length = 26;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private BatchId(string value) => Value = value;

    public string Value { get; }

    public static BatchId New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        return Create(now, random);
    }

    public static BatchId Create(DateTimeOffset now, ReadOnlySpan<byte> random)
    {
        if (random.Length != 10)
        {
            throw new ArgumentException("a ULID has 80 random bits", nameof(random));
        }

        var ms = (ulong)now.ToUnixTimeMilliseconds();
        Span<char> chars = stackalloc char[Length];
        // 48-bit time in 10 characters (the first carries 3 bits), then 80 random bits in 16 characters.
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        UInt128 bits = 0;
        foreach (var b in random)
        {
            bits = (bits << 8) | b;
        }

        for (var i = 25; i >= 10; i--)
        {
            chars[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new BatchId(new string(chars));
    }

    public static BatchId Parse(string? value, string field = "batchId")
    {
        if (!TryParse(value, out var id))
        {
            throw new DomainException($"{field}: '{value}' is not a batch id (26 characters of Crockford base 32)", field);
        }

        return id;
    }

    public static bool TryParse([NotNullWhen(true)] string? value, out BatchId id)
    {
        id = default;
        if (value is null || value.Length != Length || value[0] > '7')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        id = new BatchId(value);
        return true;
    }

    /// <summary>The moment the id was made, from its 48-bit time part.</summary>
    public DateTimeOffset Timestamp
    {
        get
        {
            long ms = 0;
            for (var i = 0; i < 10; i++)
            {
                ms = (ms << 5) | (long)Alphabet.IndexOf(Value[i], StringComparison.Ordinal);
            }

            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    public override string ToString() => Value ?? string.Empty;
}
