using System.Text.Json.Nodes;
using ImagingGateway.Lambda.Hosting;

namespace ImagingGateway.Lambda.Tests.Hosting;

public sealed class JobStatusMetricsTests
{
    [Fact]
    public void GivenAStatus_WhenRecorded_ThenTheLineIsOneEmbeddedMetricFormatDocument()
    {
        var time = new DateTimeOffset(2026, 11, 28, 6, 30, 0, TimeSpan.Zero);
        using var output = new StringWriter();

        new JobStatusMetrics(output, new FixedTime(time)).Record("FAILED");

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r');
        var emf = JsonNode.Parse(line)!.AsObject();
        var aws = emf["_aws"]!.AsObject();
        Assert.Equal(time.ToUnixTimeMilliseconds(), (long)aws["Timestamp"]!);
        var directive = Assert.Single(aws["CloudWatchMetrics"]!.AsArray())!;
        Assert.Equal("ImagingGateway", (string)directive["Namespace"]!);
        Assert.Equal("JobStatus", (string)Assert.Single(Assert.Single(directive["Dimensions"]!.AsArray())!.AsArray())!);
        var metric = Assert.Single(directive["Metrics"]!.AsArray())!;
        Assert.Equal("ImportJobs", (string)metric["Name"]!);
        Assert.Equal("Count", (string)metric["Unit"]!);
        Assert.Equal("FAILED", (string)emf["JobStatus"]!);
        Assert.Equal(1, (int)emf["ImportJobs"]!);
        Assert.Equal(["_aws", "JobStatus", "ImportJobs"], emf.Select(p => p.Key));
        Assert.Equal(["Timestamp", "CloudWatchMetrics"], aws.Select(p => p.Key));
    }

    [Theory]
    [InlineData(null, "SUBMITTED", 1)]
    [InlineData("SUBMITTED", "IN_PROGRESS", 1)]
    [InlineData("IN_PROGRESS", "IN_PROGRESS", 0)]
    [InlineData("IN_PROGRESS", null, 0)]
    public void GivenTwoStatuses_WhenAChangeIsRecorded_ThenALineIsWrittenOnlyWhenTheyDiffer(string? before, string? after, int lines)
    {
        using var output = new StringWriter();

        new JobStatusMetrics(output, TimeProvider.System).RecordChange(before, after);

        Assert.Equal(lines, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
