using System.Text.Json;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>Reads what the all-local gateway leaves under its data directory (instances/, results/, the job table via the CLI).</summary>
public sealed class GatewayData(string dataDirectory)
{
    public string InstancesRoot => Path.Combine(dataDirectory, "instances");

    /// <summary>Every committed instance file (dicom/yyyy/MM/dd/{batchId}/{sop}.dcm), by SOP instance UID.</summary>
    public IReadOnlyDictionary<string, string> InstanceFiles()
    {
        var root = Path.Combine(InstancesRoot, "dicom");
        if (!Directory.Exists(root))
        {
            return new Dictionary<string, string>();
        }

        return Directory.EnumerateFiles(root, "*.dcm", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => f);
    }

    /// <summary>Files under the instances tree that are neither committed instances nor manifests (partial uploads).</summary>
    public IReadOnlyList<string> VisibleNonInstanceFiles()
    {
        var root = Path.Combine(InstancesRoot, "dicom");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".dcm", StringComparison.Ordinal)).ToList()
            : [];
    }

    public IReadOnlyList<JsonElement> BatchManifests()
    {
        var root = Path.Combine(InstancesRoot, "batches");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone()).ToList()
            : [];
    }

    /// <summary>The open-batch markers (open-batches/{batchId}.json) present: the batches not closed yet.</summary>
    public IReadOnlyList<string> OpenBatchMarkers()
    {
        var root = Path.Combine(InstancesRoot, "open-batches");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*.json").ToList() : [];
    }

    /// <summary>The import output folder of a batch: results/{batchId}/{datastoreId}-DicomImport-{jobId}/.</summary>
    public string OutputFolder(string batchId, string jobId)
    {
        var folder = Directory.EnumerateDirectories(Path.Combine(dataDirectory, "results", batchId), $"*-DicomImport-{jobId}").SingleOrDefault();
        return folder ?? throw new DirectoryNotFoundException($"no import output for batch {batchId}, job {jobId}");
    }

    public JsonElement JobSummary(string batchId, string jobId) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputFolder(batchId, jobId), "job-output-manifest.json"))).RootElement.GetProperty("jobSummary").Clone();

    public IReadOnlyList<JsonElement> Successes(string batchId, string jobId) => Ndjson(Path.Combine(OutputFolder(batchId, jobId), "SUCCESS", "success.ndjson"));

    public IReadOnlyList<JsonElement> Failures(string batchId, string jobId) => Ndjson(Path.Combine(OutputFolder(batchId, jobId), "FAILURE", "failure.ndjson"));

    /// <summary><c>jobs list --json --data DIR</c>, the way a script reads the job table.</summary>
    public async Task<IReadOnlyList<JsonElement>> JobsAsync(string? status = null)
    {
        string[] args = status is null
            ? [GatewayProcess.DllPath, "jobs", "list", "--json", "--data", dataDirectory]
            : [GatewayProcess.DllPath, "jobs", "list", "--json", "--status", status, "--data", dataDirectory];
        var result = await ProcessRunner.RunAsync("dotnet", args, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "jobs list failed: " + result.Output);
        return JsonDocument.Parse(result.StdOut).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Polls the job table until <paramref name="count"/> jobs are terminal (COMPLETED or FAILED), at most <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForTerminalJobsAsync(int count, TimeSpan timeout)
    {
        IReadOnlyList<JsonElement> jobs = [];
        var done = await GatewayProcess.WaitUntilAsync(async () =>
        {
            jobs = await JobsAsync();
            return jobs.Count(j => j.GetProperty("jobStatus").GetString() is "COMPLETED" or "FAILED") >= count;
        }, timeout);
        Assert.True(done, $"expected {count} finished jobs within {timeout}; have: {string.Join(", ", jobs.Select(j => j.GetProperty("jobStatus").GetString()))}");
        return jobs;
    }

    private static List<JsonElement> Ndjson(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
            : [];
}
