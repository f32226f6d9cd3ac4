using System.Text.Json;
using ImagingGateway.Deploy.Constructs;
using ImagingGateway.Gateway.Observability;
using ImagingGateway.Lambda.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ImagingGateway.Deploy.Tests.Constructs;

/// <summary>
/// Issue #23 item 4: every metric of the ImagingGateway namespace that the dashboard and the alarms read is one the
/// Gateway exports, or the Lambda handlers' job-status metric. The names come
/// from the Gateway's own meter through the same Prometheus exporter the Gateway serves at /metrics (the collector
/// sidecar keeps them), with one of each measurement recorded; the template's side is every metric in the
/// ImagingGateway namespace of the dashboard body and of every alarm.
/// </summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class GatewayMetricNamesTests(ConfiguredApp app)
{
    [Fact]
    public async Task GivenGatewayMeter_WhenComparingWithTheDashboardAndAlarms_ThenEveryGatewayMetricTheyUseIsExported()
    {
        var exported = await ExportedMetricsAsync();
        Assert.Contains("gateway_cstore_requests_total", exported.Keys);

        Assert.Equal(GatewayService.MetricsNamespace, JobStatusMetrics.Namespace);
        var used = DashboardMetrics().Concat(AlarmMetrics()).Where(m => m.Namespace == GatewayService.MetricsNamespace).ToList();
        Assert.Contains(used, m => m.Name == JobStatusMetrics.MetricName);
        Assert.Contains(used, m => m.Name == "gateway_cstore_requests_total" && m.Dimensions.Contains("status"));
        foreach (var (_, name, dimensions) in used)
        {
            if (name == JobStatusMetrics.MetricName)
            {
                // The Lambda handlers' EMF metric, not the Gateway's.
                Assert.All(dimensions, d => Assert.Equal(JobStatusMetrics.Dimension, d));
                continue;
            }
            Assert.True(exported.TryGetValue(name, out var labels), $"the dashboard or an alarm reads {name}, which the Gateway does not export ({string.Join(", ", exported.Keys)})");
            Assert.All(dimensions, d => Assert.True(labels.Contains(d), $"{name} has no label {d}"));
        }
    }

    /// <summary>Metric name → label names, as the Gateway's Prometheus endpoint serves them.</summary>
    private static async Task<Dictionary<string, HashSet<string>>> ExportedMetricsAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLogging();
        builder.Services.AddSingleton<JobStatusSampler>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter());
        await using var web = builder.Build();
        web.MapPrometheusScrapingEndpoint("/metrics");
        await web.StartAsync();

        var metrics = web.Services.GetRequiredService<GatewayMetrics>();
        metrics.AssociationAccepted();
        metrics.AssociationRejected();
        metrics.AssociationEnded(aborted: false);
        metrics.StoreCompleted(0x0000, 1024, TimeSpan.FromMilliseconds(5));
        metrics.StoreCompleted(0xA700, 0, TimeSpan.FromMilliseconds(1));

        using var http = new HttpClient();
        var address = web.Urls.Single();
        var text = await http.GetStringAsync(new Uri(new Uri(address), "/metrics"));
        await web.StopAsync();

        var histograms = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal) && l.EndsWith(" histogram", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2]).ToHashSet(StringComparer.Ordinal);
        var exported = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var end = line.IndexOfAny(['{', ' ']);
            var name = line[..end];
            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (name.EndsWith(suffix, StringComparison.Ordinal) && histograms.Contains(name[..^suffix.Length]))
                {
                    name = name[..^suffix.Length];
                }
            }
            var labels = exported.TryGetValue(name, out var found) ? found : exported[name] = [];
            if (line[end] == '{')
            {
                foreach (var pair in line[(end + 1)..line.IndexOf('}', StringComparison.Ordinal)].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    labels.Add(pair[..pair.IndexOf('=', StringComparison.Ordinal)]);
                }
            }
        }
        return exported.Where(e => e.Key.StartsWith("gateway_", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

    private IEnumerable<(string Namespace, string Name, IReadOnlyList<string> Dimensions)> DashboardMetrics()
    {
        var body = app.Single("AWS::CloudWatch::Dashboard").Props().GetProperty("DashboardBody").JoinText();
        using var dashboard = JsonDocument.Parse(body);
        var found = new List<(string, string, IReadOnlyList<string>)>();
        foreach (var widget in dashboard.RootElement.GetProperty("widgets").EnumerateArray())
        {
            foreach (var metric in widget.GetProperty("properties").Get("metrics")?.EnumerateArray() ?? default)
            {
                // [namespace, name, dimension, value, ..., {options}]
                var parts = metric.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList();
                if (parts.Count >= 2)
                {
                    found.Add((parts[0], parts[1], parts.Skip(2).Where((_, i) => i % 2 == 0).ToList()));
                }
            }
        }
        Assert.NotEmpty(found);
        return found;
    }

    private IEnumerable<(string Namespace, string Name, IReadOnlyList<string> Dimensions)> AlarmMetrics()
    {
        foreach (var (_, alarm) in app.Resources("AWS::CloudWatch::Alarm"))
        {
            var props = alarm.Props();
            var metrics = props.Get("Metrics") is { } list
                ? list.EnumerateArray().Where(m => m.Get("MetricStat") is not null).Select(m => m.GetProperty("MetricStat").GetProperty("Metric")).ToList()
                : [props];
            foreach (var metric in metrics)
            {
                var dimensions = metric.Get("Dimensions")?.EnumerateArray().Select(d => d.GetProperty("Name").GetString()!).ToList() ?? [];
                yield return (metric.GetProperty("Namespace").GetString()!, metric.GetProperty("MetricName").GetString()!, dimensions);
            }
        }
    }
}
