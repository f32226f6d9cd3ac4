using System.Text;
using System.Text.Json;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// Writes one CloudWatch embedded-metric-format line per job status a function records
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
/// metric <see cref="MetricName"/> (Count, 1) in <see cref="Namespace"/> with dimension <see cref="Dimension"/>, as the
/// CDK dashboard and the failed-imports alarm read it (docs/contracts.md, "Metrics"). CloudWatch Logs extracts the
/// metric from the function's stdout.
/// </summary>
public sealed class JobStatusMetrics(TextWriter output, TimeProvider time)
{
    public const string Namespace = "ImagingGateway";
    public const string MetricName = "ImportJobs";
    public const string Dimension = "JobStatus";

    private readonly Lock _gate = new();

    /// <summary>Records that a job reached <paramref name="jobStatus"/> (SUBMITTED, IN_PROGRESS, COMPLETED, FAILED).</summary>
    public void Record(string jobStatus)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobStatus);
        var line = Encode(jobStatus, time.GetUtcNow());
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>Records <paramref name="after"/> when it differs from <paramref name="before"/>.</summary>
    public void RecordChange(string? before, string? after)
    {
        if (!string.IsNullOrWhiteSpace(after) && !string.Equals(before, after, StringComparison.Ordinal))
        {
            Record(after);
        }
    }

    private static string Encode(string jobStatus, DateTimeOffset at)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", at.ToUnixTimeMilliseconds());
            w.WriteStartArray("CloudWatchMetrics");
            w.WriteStartObject();
            w.WriteString("Namespace", Namespace);
            w.WriteStartArray("Dimensions");
            w.WriteStartArray();
            w.WriteStringValue(Dimension);
            w.WriteEndArray();
            w.WriteEndArray();
            w.WriteStartArray("Metrics");
            w.WriteStartObject();
            w.WriteString("Name", MetricName);
            w.WriteString("Unit", "Count");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString(Dimension, jobStatus);
            w.WriteNumber(MetricName, 1);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
