namespace ImagingGateway.Deploy.Tests;

/// <summary>The app as an operator configures it: two peer networks, a TLS certificate, explicit sizes.</summary>
public sealed class ConfiguredApp() : SynthesizedApp(Overrides)
{
    public const string PeerA = "198.51.100.0/24";
    public const string PeerB = "203.0.113.7/32";
    public const string CertificateArn = "arn:aws:acm:eu-west-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

    private static readonly Dictionary<string, object> Overrides = new()
    {
        ["allowedPeerCidrs"] = new object[] { PeerA, PeerB },
        ["tlsCertificateArn"] = CertificateArn,
        ["TASK_CPU"] = 2048d,
        ["TASK_MEMORY_LIMIT_MIB"] = 4096d,
        ["minTaskCount"] = 3d,
        ["maxTaskCount"] = 12d,
        ["dicomRetentionDays"] = 90d,
        ["resultsRetentionDays"] = 400d,
        ["logRetentionDays"] = 180d,
        ["triggerImportMemoryMiB"] = 768d,
        ["startImportJobMemoryMiB"] = 640d,
        ["checkStatusMemoryMiB"] = 1024d,
        ["triggerImportReservedConcurrency"] = 7d,
        ["startImportJobReservedConcurrency"] = 2d,
        ["checkStatusReservedConcurrency"] = 0d,
        ["batchingPolicy"] = "PerInstance",
        ["stateMachineTimeoutHours"] = 12d,
        ["alarmEmail"] = "imaging-ops@example.org",
        ["loadBalancerInternetFacing"] = true,
    };
}
