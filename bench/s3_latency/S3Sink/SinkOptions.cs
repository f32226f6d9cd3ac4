using System.Globalization;

namespace ImagingGateway.Bench.S3Sink;

/// <summary>Command line: <c>[--port N] [--keep-bytes N] [--verify-sha256]</c>.</summary>
internal sealed record SinkOptions(int Port, long KeepBytes, bool VerifySha256)
{
    public static SinkOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new SinkOptions(
            int.Parse(Value("--port") ?? "0", CultureInfo.InvariantCulture),
            long.Parse(Value("--keep-bytes") ?? "65536", CultureInfo.InvariantCulture),
            args.Contains("--verify-sha256"));
    }
}
