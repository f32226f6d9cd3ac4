using System.Text.RegularExpressions;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Http;

public sealed partial class HttpEndpointsTests
{
    [Fact]
    public async Task GivenStoredInstances_WhenScraped_ThenMetricsAndStatsCountThem()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));
        Assert.True(sent.ExitCode == 0, sent.Output);

        var health = await gateway.Http.GetStringAsync("/healthz");
        Assert.Equal("ok", health);
        var stats = await gateway.GetJsonAsync("/api/stats");
        Assert.Equal(3, stats.GetProperty("instancesStored").GetInt64());
        Assert.Equal(study.Sum(i => Part10.DataSetBytes(i.Path).LongLength), stats.GetProperty("bytesStored").GetInt64());
        Assert.True(stats.GetProperty("jobs").TryGetProperty("COMPLETED", out _));

        // Kestrel served the association: its connection metrics carry the DICOM port.
        var dicomConnections = new Regex($"kestrel_connection_duration_seconds_count\\{{[^}}]*server_port=\"{gateway.Port}\"[^}}]*\\}} [1-9]");

        // The exporter may lag one collection behind: poll briefly.
        var metrics = string.Empty;
        var seen = await GatewayProcess.WaitUntilAsync(async () =>
        {
            metrics = await gateway.Http.GetStringAsync("/metrics");
            return StoresOk().Match(metrics) is { Success: true } m && m.Groups[1].Value == "3"
                && dicomConnections.IsMatch(metrics);
        }, TimeSpan.FromSeconds(20));
        Assert.True(seen, metrics);
        Assert.Contains("gateway_associations_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_cstore_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_cstore_received_bytes_total", metrics, StringComparison.Ordinal);
        Assert.Matches(dicomConnections, metrics);
    }

    [Fact]
    public async Task GivenAnUnknownJob_WhenRequested_ThenTheApiAnswers404AndABadStatusIs400()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Sub("data"));

        using var missing = await gateway.Http.GetAsync("/api/jobs/no-such-job");
        using var badStatus = await gateway.Http.GetAsync("/api/jobs?status=DONE");
        var empty = await gateway.GetJsonAsync("/api/jobs");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(0, empty.GetProperty("jobs").GetArrayLength());
    }

    [GeneratedRegex("gateway_cstore_requests_total\\{[^}]*status=\"0000\"[^}]*\\} (\\d+)")]
    private static partial Regex StoresOk();
}
