using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// HealthImaging's import semantics behind <see cref="AwsModelServer"/>: StartDICOMImportJob is idempotent by
/// clientToken; a job is IN_PROGRESS from its first poll and COMPLETED at poll <see cref="PollsToComplete"/>, when
/// <see cref="OnCompleted"/> runs (tests write the results there). Queued errors are answered first, one per call.
/// A queued job failure makes the next new job end FAILED with that message instead. Optional quotas: StartDICOMImportJob
/// requests per second (<see cref="StartTps"/>, ThrottlingException) and jobs not yet ended
/// (<see cref="MaxConcurrentJobs"/>, ServiceQuotaExceededException).
/// </summary>
public sealed class FakeHealthImaging
{
    private readonly Dictionary<string, Job> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Job> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<ServiceResponse>> _errors = new(StringComparer.Ordinal);
    private readonly Queue<string> _jobFailures = new();
    private readonly Queue<DateTimeOffset> _recentStarts = new();
    private readonly object _gate = new();

    public double? StartTps { get; set; }

    public int? MaxConcurrentJobs { get; set; }

    /// <summary>Drops every queued error and job failure.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _errors.Clear();
            _jobFailures.Clear();
        }
    }

    public void QueueJobFailure(string message)
    {
        lock (_gate)
        {
            _jobFailures.Enqueue(message);
        }
    }

    public int PollsToComplete { get; set; } = 3;

    public Action<Job>? OnCompleted { get; set; }

    public IReadOnlyCollection<Job> Jobs
    {
        get
        {
            lock (_gate)
            {
                return _byId.Values.ToList();
            }
        }
    }

    public void QueueError(string operation, ServiceResponse error)
    {
        lock (_gate)
        {
            if (!_errors.TryGetValue(operation, out var queue))
            {
                _errors[operation] = queue = new Queue<ServiceResponse>();
            }

            queue.Enqueue(error);
        }
    }

    public ServiceResponse Handle(ServiceCall call)
    {
        lock (_gate)
        {
            if (_errors.TryGetValue(call.Operation, out var queue) && queue.Count > 0)
            {
                return queue.Dequeue();
            }

            return call.Operation switch
            {
                "StartDICOMImportJob" => Start(call.Input),
                "GetDICOMImportJob" => Get(call.Input),
                "ListDICOMImportJobs" => List(call.Input),
                _ => ServiceResponse.Error(400, "ValidationException", $"{call.Operation} is not served here"),
            };
        }
    }

    private ServiceResponse Start(JsonObject input)
    {
        var token = (string)input["clientToken"]!;
        if (StartTps is { } tps)
        {
            var now = DateTimeOffset.UtcNow;
            while (_recentStarts.Count > 0 && now - _recentStarts.Peek() >= TimeSpan.FromSeconds(1))
            {
                _recentStarts.Dequeue();
            }
            if (_recentStarts.Count >= tps)
            {
                return ServiceResponse.Error(429, "ThrottlingException", "Rate exceeded for StartDICOMImportJob");
            }
            _recentStarts.Enqueue(now);
        }
        if (!_byToken.TryGetValue(token, out var job))
        {
            if (MaxConcurrentJobs is { } max && _byId.Values.Count(j => j.Status is "SUBMITTED" or "IN_PROGRESS") >= max)
            {
                return ServiceResponse.Error(402, "ServiceQuotaExceededException", $"More than {max} concurrent import jobs in the data store");
            }

            job = new Job(
                Guid.NewGuid().ToString("N"),
                (string)input["datastoreId"]!,
                (string?)input["jobName"] ?? token,
                (string)input["inputS3Uri"]!,
                (string)input["outputS3Uri"]!,
                (string)input["dataAccessRoleArn"]!,
                DateTimeOffset.UtcNow);
            job.Failure = _jobFailures.Count > 0 ? _jobFailures.Dequeue() : null;
            _byToken[token] = job;
            _byId[job.JobId] = job;
        }

        return ServiceResponse.Ok(new JsonObject
        {
            ["datastoreId"] = job.DatastoreId,
            ["jobId"] = job.JobId,
            ["jobStatus"] = "SUBMITTED",
            ["submittedAt"] = Epoch(job.SubmittedAt),
        });
    }

    private ServiceResponse Get(JsonObject input)
    {
        if (!_byId.TryGetValue((string)input["jobId"]!, out var job) || job.DatastoreId != (string)input["datastoreId"]!)
        {
            return ServiceResponse.Error(404, "ResourceNotFoundException", "no such job");
        }

        job.Polls++;
        if (job.Status is not ("COMPLETED" or "FAILED"))
        {
            job.Status = job.Polls < PollsToComplete ? "IN_PROGRESS" : job.Failure is null ? "COMPLETED" : "FAILED";
            if (job.Status is "COMPLETED" or "FAILED")
            {
                job.EndedAt = DateTimeOffset.UtcNow;
                OnCompleted?.Invoke(job);
            }
        }

        var properties = Summary(job);
        properties["inputS3Uri"] = job.InputS3Uri;
        properties["outputS3Uri"] = job.OutputS3Uri;
        if (job.Status == "FAILED")
        {
            properties["message"] = job.Failure;
        }
        return ServiceResponse.Ok(new JsonObject { ["jobProperties"] = properties });
    }

    private ServiceResponse List(JsonObject input)
    {
        var datastore = (string)input["datastoreId"]!;
        var status = (string?)input["jobStatus"];
        var max = input["maxResults"] is { } m ? (int)(long)m : 50;
        var start = input["nextToken"] is { } t ? int.Parse((string)t!, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var all = _byId.Values.Where(j => j.DatastoreId == datastore && (status is null || j.Status == status))
            .OrderBy(j => j.SubmittedAt).ThenBy(j => j.JobId, StringComparer.Ordinal).ToList();
        var page = all.Skip(start).Take(max).ToList();
        var body = new JsonObject { ["jobSummaries"] = new JsonArray(page.Select(j => (JsonNode)Summary(j)).ToArray()) };
        if (start + page.Count < all.Count)
        {
            body["nextToken"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ServiceResponse.Ok(body);
    }

    private static JsonObject Summary(Job job)
    {
        var o = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["jobName"] = job.JobName,
            ["jobStatus"] = job.Status,
            ["datastoreId"] = job.DatastoreId,
            ["dataAccessRoleArn"] = job.DataAccessRoleArn,
            ["submittedAt"] = Epoch(job.SubmittedAt),
        };
        if (job.EndedAt is { } ended)
        {
            o["endedAt"] = Epoch(ended);
        }

        return o;
    }

    private static decimal Epoch(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000m;

    public sealed class Job(string jobId, string datastoreId, string jobName, string inputS3Uri, string outputS3Uri, string dataAccessRoleArn, DateTimeOffset submittedAt)
    {
        public string JobId { get; } = jobId;

        public string DatastoreId { get; } = datastoreId;

        public string JobName { get; } = jobName;

        public string InputS3Uri { get; } = inputS3Uri;

        public string OutputS3Uri { get; } = outputS3Uri;

        public string DataAccessRoleArn { get; } = dataAccessRoleArn;

        public DateTimeOffset SubmittedAt { get; } = submittedAt;

        public string Status { get; set; } = "SUBMITTED";

        public DateTimeOffset? EndedAt { get; set; }

        public int Polls { get; set; }

        /// <summary>The message of a job that ends FAILED; null for one that completes.</summary>
        public string? Failure { get; set; }
    }
}
