using System.Collections;
using System.Globalization;
using Constructs;
using ImagingGateway.Deploy.Constructs;

namespace ImagingGateway.Deploy;

/// <summary>
/// Every deploy-time choice of the app. All of them are CDK context values: defaults in <c>cdk.json</c>,
/// overridden with <c>cdk deploy -c KEY=VALUE</c>. Context (not CfnParameter) because several values shape the
/// template itself (one security-group rule per peer CIDR, an optional TLS listener) and are validated at synth.
/// </summary>
public sealed record DeploySettings
{
    public required string LambdaCodePath { get; init; }
    /// <summary>An image URI to run; empty builds <see cref="DockerContextPath"/> with the Gateway Dockerfile.</summary>
    public string GatewayImage { get; init; } = "";
    public required string DockerContextPath { get; init; }
    public int TaskCpu { get; init; } = 1024;
    public int TaskMemoryLimitMiB { get; init; } = 2048;
    public int MinTaskCount { get; init; } = 2;
    public int MaxTaskCount { get; init; } = 10;
    public IReadOnlyList<string> AllowedPeerCidrs { get; init; } = [];
    /// <summary>Internal by default: hospitals reach the NLB over VPN or Direct Connect.</summary>
    public bool LoadBalancerInternetFacing { get; init; }
    public string TlsCertificateArn { get; init; } = "";
    /// <summary>With TLS configured, the cleartext DICOM listener exists only when this asks for it.</summary>
    public bool CleartextListener { get; init; }
    public int DicomPort { get; init; } = 11112;
    public int TlsPort { get; init; } = 2762;
    public int HttpPort { get; init; } = 8080;
    public string AeTitle { get; init; } = "IMAGINGGW";
    /// <summary>
    /// Coalescing by calling AE and study: production senders include modalities that open one association per image,
    /// which PerAssociation would turn into one import job per image against HealthImaging's 1 TPS and 100 concurrent jobs.
    /// </summary>
    public string BatchingPolicy { get; init; } = "PerCallingAeAndStudy";
    /// <summary>How long a coalescing batch waits for another instance before it is closed and imported.</summary>
    public int BatchingQuietPeriodSeconds { get; init; } = 30;
    public int MaxAzs { get; init; } = 2;
    /// <summary>Explicit zones; an environment-agnostic stack can only pick 2 zones by itself, so more need this list.</summary>
    public IReadOnlyList<string> AvailabilityZones { get; init; } = [];
    public int NatGateways { get; init; } = 2;
    public int DicomRetentionDays { get; init; } = 365;
    public int ResultsRetentionDays { get; init; } = 365;
    public int NoncurrentVersionRetentionDays { get; init; } = 30;
    public int LogRetentionDays { get; init; } = 365;
    /// <summary>S3 server access logs (the PHI audit trail): six years, HIPAA's retention for security documentation.</summary>
    public int AccessLogRetentionDays { get; init; } = 2192;
    public int TriggerImportMemoryMiB { get; init; } = 512;
    public int StartImportJobMemoryMiB { get; init; } = 512;
    public int CheckStatusMemoryMiB { get; init; } = 512;
    public int TriggerImportReservedConcurrency { get; init; } = 10;
    public int StartImportJobReservedConcurrency { get; init; } = 2;
    public int CheckStatusReservedConcurrency { get; init; } = 10;
    public int ImportPollSeconds { get; init; } = 30;
    public int StateMachineTimeoutHours { get; init; } = 24;
    public int StuckPipelineMinutes { get; init; } = 60;
    public string AlarmEmail { get; init; } = "";
    public string MetricsCollectorImage { get; init; } = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";
    /// <summary>ECS stopTimeout after SIGTERM (Fargate allows at most 120 s); the Gateway's own grace period is derived from it.</summary>
    public int StopTimeoutSeconds { get; init; } = 120;

    /// <summary>The most zones CDK picks for an environment-agnostic stack without being told which.</summary>
    public const int AgnosticMaxAzs = 2;

    /// <summary>The zones actually used: the explicit list, or <see cref="MaxAzs"/> chosen by CDK.</summary>
    public int AzCount => AvailabilityZones.Count > 0 ? AvailabilityZones.Count : MaxAzs;

    /// <summary>True when the NLB has a TCP (cleartext) DICOM listener.</summary>
    public bool HasCleartextListener => TlsCertificateArn.Length == 0 || CleartextListener;

    public static readonly IReadOnlySet<string> BatchingPolicies = new HashSet<string>(StringComparer.Ordinal) { "PerAssociation", "PerInstance", "PerCallingAeAndStudy" };

    /// <summary>Reads every setting from the construct's context, with the defaults above.</summary>
    public static DeploySettings FromContext(Node node)
    {
        var d = new DeploySettings { LambdaCodePath = "", DockerContextPath = "" };
        var settings = new DeploySettings
        {
            LambdaCodePath = Text(node, "lambdaCodePath", "../src/Hosts/Lambda/bin/Release/net10.0/publish"),
            GatewayImage = Text(node, "gatewayImage", d.GatewayImage),
            DockerContextPath = Text(node, "dockerContextPath", ".."),
            TaskCpu = Number(node, "TASK_CPU", d.TaskCpu),
            TaskMemoryLimitMiB = Number(node, "TASK_MEMORY_LIMIT_MIB", d.TaskMemoryLimitMiB),
            MinTaskCount = Number(node, "minTaskCount", d.MinTaskCount),
            MaxTaskCount = Number(node, "maxTaskCount", d.MaxTaskCount),
            AllowedPeerCidrs = List(node, "allowedPeerCidrs"),
            LoadBalancerInternetFacing = Flag(node, "loadBalancerInternetFacing", d.LoadBalancerInternetFacing),
            TlsCertificateArn = Text(node, "tlsCertificateArn", d.TlsCertificateArn),
            CleartextListener = Flag(node, "cleartextListener", d.CleartextListener),
            DicomPort = Number(node, "dicomPort", d.DicomPort),
            TlsPort = Number(node, "tlsPort", d.TlsPort),
            HttpPort = Number(node, "httpPort", d.HttpPort),
            AeTitle = Text(node, "aeTitle", d.AeTitle),
            BatchingPolicy = Text(node, "batchingPolicy", d.BatchingPolicy),
            BatchingQuietPeriodSeconds = Number(node, "batchingQuietPeriodSeconds", d.BatchingQuietPeriodSeconds),
            MaxAzs = Number(node, "maxAzs", d.MaxAzs),
            AvailabilityZones = List(node, "availabilityZones"),
            NatGateways = Number(node, "natGateways", d.NatGateways),
            DicomRetentionDays = Number(node, "dicomRetentionDays", d.DicomRetentionDays),
            ResultsRetentionDays = Number(node, "resultsRetentionDays", d.ResultsRetentionDays),
            NoncurrentVersionRetentionDays = Number(node, "noncurrentVersionRetentionDays", d.NoncurrentVersionRetentionDays),
            LogRetentionDays = Number(node, "logRetentionDays", d.LogRetentionDays),
            AccessLogRetentionDays = Number(node, "accessLogRetentionDays", d.AccessLogRetentionDays),
            TriggerImportMemoryMiB = Number(node, "triggerImportMemoryMiB", d.TriggerImportMemoryMiB),
            StartImportJobMemoryMiB = Number(node, "startImportJobMemoryMiB", d.StartImportJobMemoryMiB),
            CheckStatusMemoryMiB = Number(node, "checkStatusMemoryMiB", d.CheckStatusMemoryMiB),
            TriggerImportReservedConcurrency = Number(node, "triggerImportReservedConcurrency", d.TriggerImportReservedConcurrency),
            StartImportJobReservedConcurrency = Number(node, "startImportJobReservedConcurrency", d.StartImportJobReservedConcurrency),
            CheckStatusReservedConcurrency = Number(node, "checkStatusReservedConcurrency", d.CheckStatusReservedConcurrency),
            ImportPollSeconds = Number(node, "importPollSeconds", d.ImportPollSeconds),
            StateMachineTimeoutHours = Number(node, "stateMachineTimeoutHours", d.StateMachineTimeoutHours),
            StuckPipelineMinutes = Number(node, "stuckPipelineMinutes", d.StuckPipelineMinutes),
            AlarmEmail = Text(node, "alarmEmail", d.AlarmEmail),
            MetricsCollectorImage = Text(node, "metricsCollectorImage", d.MetricsCollectorImage),
            StopTimeoutSeconds = Number(node, "stopTimeoutSeconds", d.StopTimeoutSeconds),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Rejects a setting that would synthesize a template CloudFormation or Fargate refuses.</summary>
    public void Validate()
    {
        if (!FargateSizes.IsValid(TaskCpu, TaskMemoryLimitMiB))
        {
            throw new ArgumentException($"TASK_CPU={TaskCpu} with TASK_MEMORY_LIMIT_MIB={TaskMemoryLimitMiB} is not a Fargate task size.");
        }
        if (MinTaskCount < 1 || MaxTaskCount < MinTaskCount)
        {
            throw new ArgumentException($"minTaskCount={MinTaskCount} and maxTaskCount={MaxTaskCount}: need 1 <= min <= max.");
        }
        foreach (var cidr in AllowedPeerCidrs)
        {
            if (!System.Net.IPNetwork.TryParse(cidr, out var network) || network.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                throw new ArgumentException($"allowedPeerCidrs: '{cidr}' is not an IPv4 CIDR block.");
            }
        }
        if (!BatchingPolicies.Contains(BatchingPolicy))
        {
            throw new ArgumentException($"batchingPolicy must be one of {string.Join(", ", BatchingPolicies)}, not '{BatchingPolicy}'.");
        }
        // Under the Gateway's RecoveryQuietPeriod (5 minutes), so another task's recovery never closes a batch still coalescing.
        if (BatchingQuietPeriodSeconds is < 1 or > 240)
        {
            throw new ArgumentException($"batchingQuietPeriodSeconds={BatchingQuietPeriodSeconds}: must be between 1 and 240.");
        }
        if (LoadBalancerInternetFacing && (TlsCertificateArn.Length == 0 || AllowedPeerCidrs.Count == 0))
        {
            throw new ArgumentException(
                "loadBalancerInternetFacing=true needs both tlsCertificateArn (DICOM must not cross the internet in cleartext) and " +
                "allowedPeerCidrs (the peers' public networks); set both, or keep the default internal load balancer.");
        }
        if (AvailabilityZones.Count == 0 && MaxAzs is < 2 or > AgnosticMaxAzs)
        {
            throw new ArgumentException(
                $"maxAzs={MaxAzs}: the stack is environment-agnostic, so CDK can pick exactly {AgnosticMaxAzs} zones by itself; " +
                "for more, list them with -c availabilityZones=REGIONa,REGIONb,REGIONc.");
        }
        if (AvailabilityZones.Count is 1)
        {
            throw new ArgumentException("availabilityZones must list at least 2 zones.");
        }
        if (NatGateways < 1 || NatGateways > AzCount)
        {
            throw new ArgumentException($"natGateways must be between 1 and the number of zones ({AzCount}).");
        }
        if (StopTimeoutSeconds is < GatewayService.ShutdownMarginSeconds + 5 or > 120)
        {
            throw new ArgumentException($"stopTimeoutSeconds={StopTimeoutSeconds}: Fargate allows at most 120, and the Gateway needs at least {GatewayService.ShutdownMarginSeconds + 5}.");
        }
        foreach (var (name, memory) in new[] { ("triggerImportMemoryMiB", TriggerImportMemoryMiB), ("startImportJobMemoryMiB", StartImportJobMemoryMiB), ("checkStatusMemoryMiB", CheckStatusMemoryMiB) })
        {
            if (memory is < 128 or > 10240)
            {
                throw new ArgumentException($"{name}={memory}: Lambda memory is 128 to 10240 MiB.");
            }
        }
        foreach (var (name, days) in new[] { ("dicomRetentionDays", DicomRetentionDays), ("resultsRetentionDays", ResultsRetentionDays) })
        {
            // Objects must outlive the import that reads them (and its retries).
            if (days is < 0 or > 0 and < 7)
            {
                throw new ArgumentException($"{name}={days}: use 0 (keep forever) or at least 7 days.");
            }
        }
        if (AccessLogRetentionDays < 1)
        {
            throw new ArgumentException($"accessLogRetentionDays={AccessLogRetentionDays}: must be at least 1.");
        }
        if (NoncurrentVersionRetentionDays < 1)
        {
            throw new ArgumentException("noncurrentVersionRetentionDays must be at least 1.");
        }
        if (ImportPollSeconds < 1 || StateMachineTimeoutHours < 1 || StuckPipelineMinutes < 5)
        {
            throw new ArgumentException("importPollSeconds >= 1, stateMachineTimeoutHours >= 1, stuckPipelineMinutes >= 5.");
        }
        _ = LogRetention.From(LogRetentionDays);
    }

    private static string Text(Node node, string key, string fallback) =>
        node.TryGetContext(key) switch
        {
            null => fallback,
            string s => s,
            var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? fallback,
        };

    private static int Number(Node node, string key, int fallback)
    {
        var text = Text(node, key, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value == Math.Floor(value)
            ? (int)value
            : throw new ArgumentException($"context '{key}' must be a whole number, not '{text}'.");
    }

    private static bool Flag(Node node, string key, bool fallback)
    {
        var text = Text(node, key, fallback ? "true" : "false");
        return bool.TryParse(text, out var value) ? value : throw new ArgumentException($"context '{key}' must be true or false, not '{text}'.");
    }

    /// <summary>A JSON array in cdk.json, or a comma-separated string from <c>-c key=a,b</c>.</summary>
    private static List<string> List(Node node, string key)
    {
        var raw = node.TryGetContext(key);
        IEnumerable<string> items = raw switch
        {
            null => [],
            string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IEnumerable e => e.Cast<object?>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)?.Trim() ?? "").Where(s => s.Length > 0),
            _ => throw new ArgumentException($"context '{key}' must be a list or a comma-separated string."),
        };
        return items.ToList();
    }
}
