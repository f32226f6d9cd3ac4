using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// What HealthImaging writes when a <see cref="FakeHealthImaging"/> job ends, as the data access role (the client
/// <c>clientFor</c> gives for the principal of the job's role): it lists and reads the input prefix,
/// then writes <c>{outputS3Uri}{datastoreId}-DicomImport-{jobId}/job-output-manifest.json</c>, <c>SUCCESS/success.ndjson</c>
/// (every file, for a completed job) or <c>FAILURE/failure.ndjson</c> (every file, for a failed one).
/// </summary>
public sealed class JobOutputWriter(Func<string, IAmazonS3> clientFor, Func<string, string> principalOfRoleArn)
{
    public void Write(FakeHealthImaging.Job job)
    {
        using var s3 = clientFor(principalOfRoleArn(job.DataAccessRoleArn));
        var (inputBucket, inputPrefix) = Split(job.InputS3Uri);
        var (outputBucket, outputPrefix) = Split(job.OutputS3Uri);
        var inputs = new List<string>();
        string? token = null;
        do
        {
            var page = s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = inputBucket, Prefix = inputPrefix, ContinuationToken = token }).GetAwaiter().GetResult();
            inputs.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        foreach (var key in inputs)
        {
            using var read = s3.GetObjectAsync(inputBucket, key).GetAwaiter().GetResult();
        }

        var failed = job.Failure is not null;
        var root = $"{outputPrefix}{job.DatastoreId}-DicomImport-{job.JobId}/";
        var imageSetId = "imageset" + job.JobId[..24];
        var manifest = new JsonObject
        {
            ["jobSummary"] = new JsonObject
            {
                ["jobId"] = job.JobId,
                ["datastoreId"] = job.DatastoreId,
                ["inputS3Uri"] = job.InputS3Uri,
                ["outputS3Uri"] = job.OutputS3Uri,
                ["successOutputS3Uri"] = $"s3://{outputBucket}/{root}SUCCESS/",
                ["failureOutputS3Uri"] = $"s3://{outputBucket}/{root}FAILURE/",
                ["numberOfScannedFiles"] = inputs.Count,
                ["numberOfImportedFiles"] = failed ? 0 : inputs.Count,
                ["numberOfFilesWithCustomerError"] = failed ? inputs.Count : 0,
                ["numberOfFilesWithServerError"] = 0,
                ["numberOfGeneratedImageSets"] = failed ? 0 : 1,
                ["imageSetsSummary"] = failed
                    ? new JsonArray()
                    : new JsonArray(new JsonObject { ["imageSetId"] = imageSetId, ["imageSetVersion"] = 1, ["isPrimary"] = true, ["numberOfMatchedSOPInstances"] = inputs.Count }),
            },
        };
        Put(s3, outputBucket, root + "job-output-manifest.json", manifest.ToJsonString());
        if (failed)
        {
            Put(s3, outputBucket, root + "FAILURE/failure.ndjson", string.Concat(inputs.Select(k => new JsonObject
            {
                ["inputFile"] = k,
                ["exception"] = new JsonObject { ["exceptionType"] = "ValidationException", ["message"] = job.Failure },
            }.ToJsonString() + "\n")));
        }
        else
        {
            Put(s3, outputBucket, root + "SUCCESS/success.ndjson", string.Concat(inputs.Select(k => new JsonObject
            {
                ["inputFile"] = k,
                ["importResponse"] = new JsonObject { ["imageSetId"] = imageSetId, ["isPrimary"] = true },
            }.ToJsonString() + "\n")));
        }
    }

    private static (string Bucket, string Prefix) Split(string uri)
    {
        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
    }

    private static void Put(IAmazonS3 s3, string bucket, string key, string body) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, UseChunkEncoding = false }).GetAwaiter().GetResult();
}
