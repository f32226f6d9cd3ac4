using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// What HealthImaging writes to the results bucket when a <see cref="FakeHealthImaging"/> job completes: the output
/// manifest and one success line per input file, under <c>{outputS3Uri}{datastoreId}-DicomImport-{jobId}/</c>.
/// </summary>
public static class HealthImagingJobOutput
{
    public static void Write(IAmazonS3 s3, FakeHealthImaging.Job job)
    {
        var output = job.OutputS3Uri["s3://".Length..];
        var bucket = output[..output.IndexOf('/', StringComparison.Ordinal)];
        var root = $"{output[(bucket.Length + 1)..]}{job.DatastoreId}-DicomImport-{job.JobId}/";
        var inputPrefix = job.InputS3Uri[$"s3://{S3rverFixture.DicomBucket}/".Length..];
        var inputs = s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3rverFixture.DicomBucket, Prefix = inputPrefix }).GetAwaiter().GetResult().S3Objects ?? [];
        var imageSetId = "imageset" + job.JobId[..8];
        var manifest = new JsonObject
        {
            ["jobSummary"] = new JsonObject
            {
                ["jobId"] = job.JobId,
                ["datastoreId"] = job.DatastoreId,
                ["inputS3Uri"] = job.InputS3Uri,
                ["outputS3Uri"] = job.OutputS3Uri,
                ["numberOfScannedFiles"] = inputs.Count,
                ["numberOfImportedFiles"] = inputs.Count,
                ["numberOfFilesWithCustomerError"] = 0,
                ["numberOfFilesWithServerError"] = 0,
                ["numberOfGeneratedImageSets"] = 1,
                ["imageSetsSummary"] = new JsonArray(new JsonObject { ["imageSetId"] = imageSetId, ["numberOfMatchedSOPInstances"] = inputs.Count }),
            },
        };
        Put(s3, bucket, root + "job-output-manifest.json", manifest.ToJsonString());
        Put(s3, bucket, root + "SUCCESS/success.ndjson", string.Concat(inputs.Select(o =>
            new JsonObject { ["inputFile"] = o.Key, ["importResponse"] = new JsonObject { ["imageSetId"] = imageSetId, ["isPrimary"] = true } }.ToJsonString() + "\n")));
    }

    private static void Put(IAmazonS3 s3, string bucket, string key, string body) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, UseChunkEncoding = false }).GetAwaiter().GetResult();
}
