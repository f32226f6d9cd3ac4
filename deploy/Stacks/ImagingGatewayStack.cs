using Amazon.CDK;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.Ecr.Assets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.S3.Notifications;
using Amazon.CDK.AWS.SQS;
using Constructs;
using ImagingGateway.Deploy.Constructs;

namespace ImagingGateway.Deploy.Stacks;

/// <summary>
/// The whole documented topology in one stack: network, Gateway service, buckets, job, instance and commitment tables, HealthImaging data
/// store, the three import Lambdas, the import state machine, and monitoring. Names shared with the code are in
/// docs/contracts.md; what each resource does is in docs/deploy.md.
/// </summary>
public sealed class ImagingGatewayStack : Stack
{
    public const string TriggerImportHandler = "ImagingGateway.Lambda::ImagingGateway.Lambda.TriggerImport.TriggerImportFunction::HandleAsync";
    public const string StartImportJobHandler = "ImagingGateway.Lambda::ImagingGateway.Lambda.StartImportJob.StartImportJobFunction::HandleAsync";
    public const string CheckStatusHandler = "ImagingGateway.Lambda::ImagingGateway.Lambda.CheckStatus.CheckStatusFunction::HandleAsync";
    public const string RecordExecutionFailureHandler = "ImagingGateway.Lambda::ImagingGateway.Lambda.RecordExecutionFailure.RecordExecutionFailureFunction::HandleAsync";

    /// <summary>Batch manifests: their creation closes a batch and is the only object event that starts an import.</summary>
    public const string BatchPrefix = "batches/";

    /// <summary>Open-batch markers (ObjectKeys.OpenMarkersRoot): the only objects the Gateway deletes.</summary>
    public const string OpenBatchMarkerPrefix = "open-batches/";
    public const string BatchSuffix = ".json";
    public const string InstancePrefix = "dicom/";

    public ImagingGatewayStack(Construct scope, string id, DeploySettings settings, IStackProps? props = null) : base(scope, id, props)
    {
        var logRetention = LogRetention.From(settings.LogRetentionDays);

        var listenerPorts = new List<int>();
        if (settings.HasCleartextListener)
        {
            listenerPorts.Add(settings.DicomPort);
        }
        if (settings.TlsCertificateArn.Length > 0)
        {
            listenerPorts.Add(settings.TlsPort);
        }
        // An internal NLB sits in the private subnets, so the private ACL must also admit its listener ports.
        List<int> containerPorts = settings.LoadBalancerInternetFacing ? [settings.DicomPort] : [.. listenerPorts.Union([settings.DicomPort])];
        Network = new GatewayNetwork(this, "Network", new GatewayNetworkProps(
            settings.MaxAzs, settings.AvailabilityZones, settings.NatGateways, settings.AllowedPeerCidrs, listenerPorts, containerPorts, logRetention));
        if (settings.AllowedPeerCidrs.Count == 0)
        {
            Annotations.Of(this).AddWarningV2("ImagingGateway:NoPeers",
                "allowedPeerCidrs is empty: no DICOM peer can reach the Gateway. Set -c allowedPeerCidrs=a.b.c.d/n,...");
        }

        AccessLogBucket = new SecureBucket(this, "AccessLogBucket", new SecureBucketProps(settings.AccessLogRetentionDays, settings.NoncurrentVersionRetentionDays));
        DicomBucket = new SecureBucket(this, "DicomBucket", new SecureBucketProps(
            settings.DicomRetentionDays, settings.NoncurrentVersionRetentionDays, AccessLogBucket.Bucket, "dicom-bucket/"));
        ResultsBucket = new SecureBucket(this, "ResultsBucket", new SecureBucketProps(
            settings.ResultsRetentionDays, settings.NoncurrentVersionRetentionDays, AccessLogBucket.Bucket, "results-bucket/"));
        JobTable = new ImportJobTable(this, "DicomImportJobTable");
        InstanceTable = new ReceivedInstanceTable(this, "ReceivedInstanceTable");
        CommitmentTable = new StorageCommitmentTable(this, "StorageCommitmentTable");
        Datastore = new HealthImagingDatastore(this, "HealthImaging", new HealthImagingDatastoreProps(DicomBucket, InstancePrefix + "*", ResultsBucket));

        var code = LambdaCode(settings.LambdaCodePath);
        var pipelineEnvironment = new Dictionary<string, string>
        {
            ["GATEWAY__AWS__REGION"] = Region,
            ["GATEWAY__AWS__DICOMBUCKET"] = DicomBucket.BucketName,
            ["GATEWAY__AWS__RESULTSBUCKET"] = ResultsBucket.BucketName,
            ["GATEWAY__AWS__JOBTABLE"] = JobTable.TableName,
            ["GATEWAY__AWS__INSTANCETABLE"] = InstanceTable.TableName,
            ["GATEWAY__AWS__DATASTOREID"] = Datastore.DatastoreId,
            ["GATEWAY__AWS__DATAACCESSROLEARN"] = Datastore.DataAccessRole.RoleArn,
        };
        // Each function gets only the settings its handler reads (docs/contracts.md, "Lambda environment").
        var jobFunctionEnvironment = new Dictionary<string, string>
        {
            ["GATEWAY__AWS__REGION"] = Region,
            ["GATEWAY__AWS__JOBTABLE"] = JobTable.TableName,
            ["GATEWAY__AWS__DATASTOREID"] = Datastore.DatastoreId,
            ["GATEWAY__AWS__DATAACCESSROLEARN"] = Datastore.DataAccessRole.RoleArn,
        };
        StartImportJob = new ImportFunction(this, "StartImportJob", new ImportFunctionProps(
            "Starts a HealthImaging DICOM import job for one batch and records it",
            StartImportJobHandler, code, settings.StartImportJobMemoryMiB, settings.StartImportJobReservedConcurrency,
            Duration.Seconds(60), jobFunctionEnvironment, logRetention));
        CheckStatus = new ImportFunction(this, "CheckStatus", new ImportFunctionProps(
            "Polls a HealthImaging import job and updates its record (also records caught failures)",
            CheckStatusHandler, code, settings.CheckStatusMemoryMiB, settings.CheckStatusReservedConcurrency,
            Duration.Seconds(60),
            new Dictionary<string, string>(jobFunctionEnvironment) { ["GATEWAY__AWS__INSTANCETABLE"] = InstanceTable.TableName },
            logRetention));

        Workflow = new ImportStateMachine(this, "ImportWorkflow", new ImportStateMachineProps(
            StartImportJob.Function, CheckStatus.Function, Duration.Seconds(settings.ImportPollSeconds),
            Duration.Hours(settings.StateMachineTimeoutHours), logRetention));

        // A batch whose event TriggerImport could not handle must not vanish: it waits here for a replay.
        TriggerImportFailures = new Queue(this, "TriggerImportFailures", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        TriggerImport = new ImportFunction(this, "TriggerImport", new ImportFunctionProps(
            "Validates a closed batch and starts its import workflow execution",
            TriggerImportHandler, code, settings.TriggerImportMemoryMiB, settings.TriggerImportReservedConcurrency,
            Duration.Seconds(120),
            new Dictionary<string, string>
            {
                ["GATEWAY__AWS__REGION"] = Region,
                ["GATEWAY__AWS__DICOMBUCKET"] = DicomBucket.BucketName,
                ["GATEWAY__AWS__RESULTSBUCKET"] = ResultsBucket.BucketName,
                ["GATEWAY__AWS__STATEMACHINEARN"] = Workflow.StateMachineArn,
            },
            logRetention,
            TriggerImportFailures));

        // Least privilege, one grant per call the handler makes.
        DicomBucket.GrantGetObjects(TriggerImport.Function, BatchPrefix + "*");
        DicomBucket.GrantGetObjects(TriggerImport.Function, InstancePrefix + "*");
        Workflow.GrantStartExecution(TriggerImport.Function);
        Workflow.GrantDescribeExecution(TriggerImport.Function);
        Datastore.GrantStartImport(StartImportJob.Function);
        JobTable.GrantCreateJobs(StartImportJob.Function);
        JobTable.GrantLinkRetries(StartImportJob.Function);
        Datastore.GrantReadImportJobs(CheckStatus.Function);
        JobTable.GrantUpdateJobs(CheckStatus.Function);
        InstanceTable.GrantRecordOutcomes(CheckStatus.Function);
        ResultsBucket.GrantGetObjects(CheckStatus.Function, "*");

        // An execution stopped from outside (timeout, abort, history limit) never runs RecordFailure: record it here.
        RecordExecutionFailure = new ImportFunction(this, "RecordExecutionFailure", new ImportFunctionProps(
            "Records the job of an import execution that ended FAILED, TIMED_OUT or ABORTED",
            // Two at a time: failures are rare, and EventBridge retries a throttled delivery for a day.
            RecordExecutionFailureHandler, code, settings.CheckStatusMemoryMiB, 2,
            Duration.Seconds(60), jobFunctionEnvironment, logRetention, TriggerImportFailures));
        JobTable.GrantUpdateJobs(RecordExecutionFailure.Function);
        Workflow.RecordFailedExecutions(RecordExecutionFailure.Function, TriggerImportFailures);

        DicomBucket.Bucket.AddEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(TriggerImport.Function),
            new NotificationKeyFilter { Prefix = BatchPrefix, Suffix = BatchSuffix });
        ScopeNotificationsHandlerToBucket();

        Gateway = new GatewayService(this, "Gateway", new GatewayServiceProps(
            Network.Vpc, GatewayImage(settings), settings.TaskCpu, settings.TaskMemoryLimitMiB,
            settings.MinTaskCount, settings.MaxTaskCount, settings.AllowedPeerCidrs, settings.LoadBalancerInternetFacing,
            settings.DicomPort, settings.HttpPort, settings.TlsPort, settings.TlsCertificateArn, settings.HasCleartextListener, settings.StopTimeoutSeconds,
            new Dictionary<string, string>(pipelineEnvironment)
            {
                ["GATEWAY__AETITLE"] = settings.AeTitle,
                ["GATEWAY__PORT"] = settings.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GATEWAY__HTTPPORT"] = settings.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GATEWAY__ADAPTERS__STORAGE"] = "S3",
                ["GATEWAY__ADAPTERS__JOBS"] = "DynamoDb",
                ["GATEWAY__ADAPTERS__WORKFLOW"] = "StepFunctions",
                ["GATEWAY__ADAPTERS__IMAGING"] = "HealthImaging",
                ["GATEWAY__BATCHING__POLICY"] = settings.BatchingPolicy,
                ["GATEWAY__BATCHING__QUIETPERIOD"] = TimeSpan.FromSeconds(settings.BatchingQuietPeriodSeconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                ["GATEWAY__AWS__STATEMACHINEARN"] = Workflow.StateMachineArn,
                ["GATEWAY__AWS__COMMITMENTTABLE"] = CommitmentTable.TableName,
            },
            settings.MetricsCollectorImage, logRetention));
        DicomBucket.GrantReadWriteNoDelete(Gateway.TaskRole);
        DicomBucket.GrantDeleteObjects(Gateway.TaskRole, OpenBatchMarkerPrefix + "*");
        JobTable.GrantReadJobs(Gateway.TaskRole);
        JobTable.GrantRecordCommitments(Gateway.TaskRole);
        InstanceTable.GrantRecordAndRead(Gateway.TaskRole);
        CommitmentTable.GrantRecordAndReport(Gateway.TaskRole);
        // POST /api/jobs/{jobId}/retry reads a COMPLETED job's failure.ndjson to pick the files to import again.
        ResultsBucket.GrantGetObjects(Gateway.TaskRole, "*");

        Monitoring = new PipelineMonitoring(this, "Monitoring", new PipelineMonitoringProps(
            Gateway, TriggerImport, StartImportJob, CheckStatus, Workflow, TriggerImportFailures,
            Duration.Minutes(settings.StuckPipelineMinutes), settings.AlarmEmail));

        ProviderRuntimes.Replace(this);

        Output("LoadBalancerDnsName", Gateway.LoadBalancer.LoadBalancerDnsName, "DICOM peers connect here (TCP 11112, TLS 2762 if configured)");
        Output("DicomBucketName", DicomBucket.BucketName, "Received instances and batch manifests");
        Output("ResultsBucketName", ResultsBucket.BucketName, "HealthImaging import results");
        Output("JobTableName", JobTable.TableName, "DicomImportJobTable");
        Output("InstanceTableName", InstanceTable.TableName, "Received-instance index");
        Output("CommitmentTableName", CommitmentTable.TableName, "Pending storage commitment requests");
        Output("StateMachineArn", Workflow.StateMachineArn, "Import workflow");
        Output("DatastoreId", Datastore.DatastoreId, "HealthImaging data store");
        Output("TriggerImportFailuresQueueUrl", TriggerImportFailures.QueueUrl, "S3 events TriggerImport could not process");
        Output("DashboardName", Monitoring.Dashboard.DashboardName, "CloudWatch dashboard");
    }

    public GatewayNetwork Network { get; }

    /// <summary>S3 server access logs of the DICOM and results buckets.</summary>
    public SecureBucket AccessLogBucket { get; }

    public SecureBucket DicomBucket { get; }

    public SecureBucket ResultsBucket { get; }

    public ImportJobTable JobTable { get; }

    /// <summary>The received-instance index every Gateway task shares.</summary>
    public ReceivedInstanceTable InstanceTable { get; }

    /// <summary>The storage commitment requests every Gateway task shares.</summary>
    public StorageCommitmentTable CommitmentTable { get; }

    public HealthImagingDatastore Datastore { get; }

    public ImportFunction TriggerImport { get; }

    public ImportFunction StartImportJob { get; }

    public ImportFunction CheckStatus { get; }

    public ImportFunction RecordExecutionFailure { get; }

    public ImportStateMachine Workflow { get; }

    /// <summary>S3 events TriggerImport failed on after its retries (replay them; see docs/deploy.md).</summary>
    public Queue TriggerImportFailures { get; }

    public GatewayService Gateway { get; }

    public PipelineMonitoring Monitoring { get; }

    private static Code LambdaCode(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException(
                $"Lambda code not found at '{full}'. Run 'dotnet publish src/Hosts/Lambda -c Release -o <dir>' and set context lambdaCodePath to <dir>.");
        }
        return Code.FromAsset(full);
    }

    /// <summary>
    /// A pushed image URI if given (from a private ECR repository through its repository, so the execution role gets
    /// pull rights); otherwise built from the repository at deploy time (needs Docker then, not at synth).
    /// </summary>
    private ContainerImage GatewayImage(DeploySettings settings)
    {
        if (settings.GatewayImage.Length == 0)
        {
            return ContainerImage.FromAsset(Path.GetFullPath(settings.DockerContextPath), new AssetImageProps
            {
                File = "src/Hosts/Gateway/Dockerfile",
                Platform = Platform_.LINUX_AMD64,
            });
        }
        if (EcrImageUri.TryParse(settings.GatewayImage, out var ecr))
        {
            var repository = Amazon.CDK.AWS.ECR.Repository.FromRepositoryAttributes(this, "GatewayRepository", new Amazon.CDK.AWS.ECR.RepositoryAttributes
            {
                RepositoryName = ecr.Repository,
                RepositoryArn = ecr.RepositoryArn,
            });
            return ContainerImage.FromEcrRepository(repository, ecr.TagOrDigest);
        }
        return ContainerImage.FromRegistry(settings.GatewayImage);
    }

    /// <summary>
    /// The S3 notifications custom resource CDK adds grants s3:PutBucketNotification on "*"; narrow it to the one
    /// bucket it configures.
    /// </summary>
    private void ScopeNotificationsHandlerToBucket()
    {
        foreach (var child in Node.Children)
        {
            if (child.Node.Id.StartsWith("BucketNotificationsHandler", StringComparison.Ordinal)
                && child.Node.TryFindChild("Role") is Role role
                && role.Node.TryFindChild("DefaultPolicy") is Policy policy
                && policy.Node.DefaultChild is CfnPolicy cfnPolicy)
            {
                cfnPolicy.AddPropertyOverride("PolicyDocument.Statement.0.Resource", DicomBucket.BucketArn);
            }
        }
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
