using ImagingGateway.Dicom.Values;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Configuration;

/// <summary>
/// Checks <see cref="GatewayOptions"/> at start-up. Every message starts with the full configuration key
/// (<c>Gateway:Port</c>, settable as <c>GATEWAY__PORT</c>) so the operator knows what to fix.
/// </summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string P = GatewayOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Check(GatewayOptions o)
    {
        var errors = new List<string>();

        if (Domain.Dicom.AeTitle.Validate(o.AeTitle) is { } aeError)
        {
            errors.Add($"{P}AeTitle: '{o.AeTitle}' is not a valid AE title: {aeError}");
        }

        for (var i = 0; i < o.AllowedCallingAeTitles.Count; i++)
        {
            if (Domain.Dicom.AeTitle.Validate(o.AllowedCallingAeTitles[i]) is { } error)
            {
                errors.Add($"{P}AllowedCallingAeTitles:{i}: '{o.AllowedCallingAeTitles[i]}' is not a valid AE title: {error}");
            }
        }

        CheckPort(errors, "Port", o.Port, allowZero: false);
        CheckPort(errors, "TlsPort", o.TlsPort, allowZero: true);
        CheckPort(errors, "HttpPort", o.HttpPort, allowZero: false);
        if (o.Port == o.HttpPort)
        {
            errors.Add($"{P}HttpPort: {o.HttpPort} is also Gateway:Port; the DICOM and HTTP listeners need different ports");
        }

        if (o.TlsPort != 0 && (o.TlsPort == o.Port || o.TlsPort == o.HttpPort))
        {
            errors.Add($"{P}TlsPort: {o.TlsPort} is already used by Gateway:Port or Gateway:HttpPort");
        }

        if (!string.IsNullOrEmpty(o.ListenAddress) && !System.Net.IPAddress.TryParse(o.ListenAddress, out _))
        {
            errors.Add($"{P}ListenAddress: '{o.ListenAddress}' is not an IP address (leave it empty to listen on every interface)");
        }

        if (o.MaxAssociations < 1)
        {
            errors.Add($"{P}MaxAssociations: must be at least 1, got {o.MaxAssociations}");
        }

        if (o.MaxPendingConnections < 1)
        {
            errors.Add($"{P}MaxPendingConnections: must be at least 1, got {o.MaxPendingConnections}");
        }

        if (o.MaxPendingConnectionsPerAddress < 1 || o.MaxPendingConnectionsPerAddress > o.MaxPendingConnections)
        {
            errors.Add($"{P}MaxPendingConnectionsPerAddress: must be between 1 and MaxPendingConnections ({o.MaxPendingConnections}), got {o.MaxPendingConnectionsPerAddress}");
        }

        if (o.MaxPduLength is < 4096 or > 16_777_216)
        {
            errors.Add($"{P}MaxPduLength: must be between 4096 and 16777216 bytes, got {o.MaxPduLength}");
        }

        if (o.MaxAsyncOperations is < 1 or > ushort.MaxValue)
        {
            errors.Add($"{P}MaxAsyncOperations: must be between 1 and 65535, got {o.MaxAsyncOperations}");
        }

        CheckPositive(errors, "AssociationRequestTimeout", o.AssociationRequestTimeout);
        CheckPositive(errors, "IdleTimeout", o.IdleTimeout);
        CheckPositive(errors, "RecoveryInterval", o.RecoveryInterval);
        if (o.ShutdownGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{P}ShutdownGracePeriod: must not be negative, got {o.ShutdownGracePeriod}");
        }

        if (o.TlsPort != 0)
        {
            if (string.IsNullOrWhiteSpace(o.Tls.CertificatePath))
            {
                errors.Add($"{P}Tls:CertificatePath: required when Gateway:TlsPort is set ({o.TlsPort})");
            }
            else if (!File.Exists(o.Tls.CertificatePath))
            {
                errors.Add($"{P}Tls:CertificatePath: file '{o.Tls.CertificatePath}' does not exist");
            }

            if (!string.IsNullOrWhiteSpace(o.Tls.ClientCaPath) && !File.Exists(o.Tls.ClientCaPath))
            {
                errors.Add($"{P}Tls:ClientCaPath: file '{o.Tls.ClientCaPath}' does not exist");
            }

            if (!Enum.IsDefined(o.Tls.ClientCertificate))
            {
                errors.Add($"{P}Tls:ClientCertificate: must be None, Allow or Require, got {o.Tls.ClientCertificate}");
            }

            if (!string.IsNullOrWhiteSpace(o.Tls.KeyPath) && !File.Exists(o.Tls.KeyPath))
            {
                errors.Add($"{P}Tls:KeyPath: file '{o.Tls.KeyPath}' does not exist");
            }
        }

        var usesLocal = o.Adapters.Storage == StorageAdapter.FileSystem || o.Adapters.Jobs == JobsAdapter.Sqlite
            || o.Adapters.Workflow == WorkflowAdapter.InProcess || o.Adapters.Imaging == ImagingAdapter.Local;
        if (usesLocal && string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add($"{P}DataDirectory: required by the local adapters; set a directory (default ./data)");
        }

        if (o.MaxInflatedDataSetBytes < 1)
        {
            errors.Add($"{P}MaxInflatedDataSetBytes: must be at least 1, got {o.MaxInflatedDataSetBytes}");
        }

        CheckBatching(errors, o);
        CheckAws(errors, o);
        CheckStorageCommitment(errors, o.StorageCommitment);
        return errors;
    }

    private static void CheckStorageCommitment(List<string> errors, StorageCommitmentSettings c)
    {
        const string S = P + "StorageCommitment:";
        if (c.ReportDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}ReportDelay: must not be negative, got {c.ReportDelay}");
        }

        if (c.RetryInterval <= TimeSpan.Zero || c.PollInterval <= TimeSpan.Zero || c.DecisionInterval <= TimeSpan.Zero || c.MaxImportWait <= TimeSpan.Zero)
        {
            errors.Add($"{S}RetryInterval, PollInterval, DecisionInterval and MaxImportWait: must be positive, got {c.RetryInterval}, {c.PollInterval}, {c.DecisionInterval} and {c.MaxImportWait}");
        }

        if (c.TakeoverDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}TakeoverDelay: must not be negative, got {c.TakeoverDelay}");
        }

        if (c.UnknownInstanceWait < TimeSpan.Zero)
        {
            errors.Add($"{S}UnknownInstanceWait: must not be negative, got {c.UnknownInstanceWait}");
        }

        if (c.MaxAttempts < 1)
        {
            errors.Add($"{S}MaxAttempts: must be at least 1, got {c.MaxAttempts}");
        }

        for (var i = 0; i < c.Peers.Count; i++)
        {
            var peer = c.Peers[i];
            if (!DicomAeTitleRules.IsValid(peer.AeTitle))
            {
                errors.Add($"{S}Peers:{i}:AeTitle: '{peer.AeTitle}' is not a valid AE title");
            }

            if (string.IsNullOrWhiteSpace(peer.Host))
            {
                errors.Add($"{S}Peers:{i}:Host: required");
            }

            if (peer.Port is < 1 or > 65535)
            {
                errors.Add($"{S}Peers:{i}:Port: must be between 1 and 65535, got {peer.Port}");
            }
        }
    }

    private static void CheckBatching(List<string> errors, GatewayOptions o)
    {
        if (o.Batching.RecoveryQuietPeriod < TimeSpan.Zero)
        {
            errors.Add($"{P}Batching:RecoveryQuietPeriod: must not be negative, got {o.Batching.RecoveryQuietPeriod}");
        }

        if (!Enum.IsDefined(o.Batching.Policy))
        {
            errors.Add($"{P}Batching:Policy: must be PerAssociation, PerInstance or PerCallingAeAndStudy, got {o.Batching.Policy}");
        }

        if (o.Batching.QuietPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{P}Batching:QuietPeriod: must be positive, got {o.Batching.QuietPeriod}");
        }
        else if (o.Batching.Policy == GroupingPolicy.PerCallingAeAndStudy && o.Batching.RecoveryQuietPeriod <= o.Batching.QuietPeriod)
        {
            // Otherwise another gateway's recovery could close a batch this one is still coalescing.
            errors.Add($"{P}Batching:RecoveryQuietPeriod: must be longer than Batching:QuietPeriod ({o.Batching.QuietPeriod}) with PerCallingAeAndStudy, got {o.Batching.RecoveryQuietPeriod}");
        }

        var healthImaging = o.Adapters.Imaging == ImagingAdapter.HealthImaging;
        if (o.Batching.MaxFiles < 1 || (healthImaging && o.Batching.MaxFiles > BatchLimits.DefaultMaxFiles))
        {
            errors.Add($"{P}Batching:MaxFiles: must be between 1 and {BatchLimits.DefaultMaxFiles} (the HealthImaging limit per import job), got {o.Batching.MaxFiles}");
        }

        if (o.Batching.MaxBytes < 1 || (healthImaging && o.Batching.MaxBytes > BatchLimits.DefaultMaxBytes))
        {
            errors.Add($"{P}Batching:MaxBytes: must be between 1 and {BatchLimits.DefaultMaxBytes} (the HealthImaging limit per import job), got {o.Batching.MaxBytes}");
        }
    }

    private static void CheckAws(List<string> errors, GatewayOptions o)
    {
        var a = o.Adapters;
        if (a.Storage == StorageAdapter.S3)
        {
            Require(errors, "Aws:DicomBucket", o.Aws.DicomBucket, "Gateway:Adapters:Storage is S3");
            Require(errors, "Aws:InstanceTable", o.Aws.InstanceTable, "Gateway:Adapters:Storage is S3 (the received-instance index every task shares is in DynamoDB)");
        }

        if (a.Jobs == JobsAdapter.DynamoDb)
        {
            Require(errors, "Aws:JobTable", o.Aws.JobTable, "Gateway:Adapters:Jobs is DynamoDb");
        }

        if (a.Workflow == WorkflowAdapter.StepFunctions)
        {
            Require(errors, "Aws:StateMachineArn", o.Aws.StateMachineArn, "Gateway:Adapters:Workflow is StepFunctions");
            if (a.Storage != StorageAdapter.S3)
            {
                errors.Add($"{P}Adapters:Workflow: StepFunctions executions are started by S3 object events, so it needs Gateway:Adapters:Storage S3 (got {a.Storage})");
            }
        }

        if (a.Workflow == WorkflowAdapter.InProcess && a.Storage == StorageAdapter.S3)
        {
            errors.Add($"{P}Adapters:Workflow: InProcess is started by the FileSystem store's events; with Gateway:Adapters:Storage S3, imports are started by S3 events (the TriggerImport Lambda), so set StepFunctions");
        }

        if (a.Imaging == ImagingAdapter.Local && a.Storage == StorageAdapter.S3)
        {
            errors.Add($"{P}Adapters:Imaging: the Local stand-in reads instances from the FileSystem store; with Gateway:Adapters:Storage S3 set HealthImaging");
        }

        if (a.Imaging == ImagingAdapter.HealthImaging)
        {
            Require(errors, "Aws:DatastoreId", o.Aws.DatastoreId, "Gateway:Adapters:Imaging is HealthImaging");
            Require(errors, "Aws:DataAccessRoleArn", o.Aws.DataAccessRoleArn, "Gateway:Adapters:Imaging is HealthImaging");
            Require(errors, "Aws:ResultsBucket", o.Aws.ResultsBucket, "Gateway:Adapters:Imaging is HealthImaging");
            if (a.Storage != StorageAdapter.S3)
            {
                errors.Add($"{P}Adapters:Imaging: HealthImaging imports from S3, so it needs Gateway:Adapters:Storage S3 (got {a.Storage})");
            }
        }
    }

    private static void Require(List<string> errors, string key, string? value, string because)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{P}{key}: required because {because}");
        }
    }

    private static void CheckPort(List<string> errors, string key, int port, bool allowZero)
    {
        var min = allowZero ? 0 : 1;
        if (port < min || port > 65535)
        {
            errors.Add($"{P}{key}: must be a TCP port between {min} and 65535, got {port}");
        }
    }

    private static void CheckPositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{P}{key}: must be a positive duration (e.g. 00:00:30), got {value}");
        }
    }
}
