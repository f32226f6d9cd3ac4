using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>What a run holds for one batch: job items, HealthImaging jobs, the S3 events, the request log's counts.</summary>
public static class PipelineQueries
{
    public static async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> JobItemsAsync(this AwsLocalRun run, string batchId)
    {
        using var dynamo = run.Dynamo();
        var result = await dynamo.ScanAsync(new ScanRequest
        {
            TableName = run.JobTable,
            FilterExpression = "batchId = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new AttributeValue { S = batchId } },
        });
        return result.Items ?? [];
    }

    public static async Task<IReadOnlyList<JsonObject>> ImagingJobsAsync(this AwsLocalRun run, string batchId) =>
        (await run.GetAsync("/medical-imaging/jobs")).AsArray().Select(j => j!.AsObject())
            .Where(j => ((string)j["inputS3Uri"]!).EndsWith($"/{batchId}/", StringComparison.Ordinal))
            .ToList();

    public static async Task<string> ReadResultAsync(this AwsLocalRun run, string batchId, string suffix)
    {
        using var s3 = run.S3();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = run.ResultsBucket, Prefix = batchId + "/" });
        var key = Assert.Single(listing.S3Objects ?? [], o => o.Key.EndsWith(suffix, StringComparison.Ordinal)).Key;
        using var response = await s3.GetObjectAsync(run.ResultsBucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The S3 event notification delivered for the batch's manifest.</summary>
    public static JsonObject S3EventOf(this AwsLocalRun run, string batchId) =>
        File.ReadAllLines((string)run.Run["s3Events"]!)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Single(e => ((string)e["event"]!["Records"]![0]!["s3"]!["object"]!["key"]!).EndsWith($"{batchId}.json", StringComparison.Ordinal));

    public static int CountRequests(this AwsLocalRun run, string action) => run.Requests().Count(r => (string)r["action"]! == action);

    public static int CountEvents(this JsonObject execution, string type, string state) =>
        execution["events"]!.AsArray().Count(e => (string)e!["type"]! == type && (string?)e["state"] == state);
}
