using System.Diagnostics;
using System.Globalization;

namespace ImagingGateway.Dicom.Benchmarks;

/// <summary>
/// Per-operation CPU time (process user+kernel time over many calls), a check on BenchmarkDotNet's wall-clock numbers
/// when the shared machine is oversubscribed: a benchmark thread that waits for a core accrues wall time, not CPU time.
/// </summary>
public static class CpuTimeProbe
{
    public static void Run()
    {
        foreach (var input in new[] { "CT 0.5 MB", "Multi-frame 100 MB" })
        {
            var bench = new ParsingBenchmarks { Input = input };
            bench.Setup();
            Measure(input, "HeaderExtraction", () => bench.HeaderExtraction());
            Measure(input, "FullParseTokens", () => bench.FullParseTokens());
            Measure(input, "FullParseDataSet", () => bench.FullParseDataSet());
        }
    }

    private static void Measure(string input, string name, Action action)
    {
        // Warm up long enough for tiered compilation to replace tier-0 code (it waits ~100 ms after the call counts).
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(2))
        {
            action();
        }

        var process = Process.GetCurrentProcess();
        var iterations = 20_000;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        wall.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / iterations;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / iterations;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {input} | {cpu:F2} us CPU | {wall.Elapsed.TotalMicroseconds / iterations:F2} us wall | {allocated} B |"));
    }
}
