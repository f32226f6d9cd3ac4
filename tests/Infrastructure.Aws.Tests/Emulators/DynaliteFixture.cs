using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// dynalite (in memory) on a free 127.0.0.1 port; <see cref="CreateJobTableAsync"/> makes a DicomImportJobTable,
/// <see cref="CreateInstanceTableAsync"/> a received-instance table, <see cref="CreateCommitmentTableAsync"/> a storage
/// commitment table.
/// </summary>
public sealed class DynaliteFixture : IDisposable
{
    private readonly EmulatorProcess _process;

    public DynaliteFixture()
    {
        var dynalite = RepositoryPaths.RequireTool("dynalite");
        Port = EmulatorProcess.FreePort();
        _process = EmulatorProcess.Start(dynalite, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "1"]);
        _process.WaitForPort(Port, TimeSpan.FromSeconds(30));
        Endpoint = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    public static BasicAWSCredentials Credentials => new("test", "test");

    public AmazonDynamoDBClient CreateClient() => new(
        Credentials,
        new AmazonDynamoDBConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <summary>The table as the CDK app defines it: PK jobId, GSIs byStatus (jobStatus, submittedAt) and byStudy (studyInstanceUID, submittedAt), projection ALL.</summary>
    public async Task<string> CreateJobTableAsync()
    {
        var name = "jobs-" + Guid.NewGuid().ToString("N")[..8];
        using var client = CreateClient();
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new("jobId", ScalarAttributeType.S),
                new("jobStatus", ScalarAttributeType.S),
                new("submittedAt", ScalarAttributeType.S),
                new("studyInstanceUID", ScalarAttributeType.S),
            ],
            KeySchema = [new("jobId", KeyType.HASH)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "byStatus",
                    KeySchema = [new("jobStatus", KeyType.HASH), new("submittedAt", KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
                new GlobalSecondaryIndex
                {
                    IndexName = "byStudy",
                    KeySchema = [new("studyInstanceUID", KeyType.HASH), new("submittedAt", KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        return await WaitUntilActiveAsync(client, name);
    }

    /// <summary>The table as the CDK app defines it: PK sopInstanceUID, GSI byStudy (studyInstanceUID, receivedOrder), projection ALL.</summary>
    public async Task<string> CreateInstanceTableAsync()
    {
        var name = "instances-" + Guid.NewGuid().ToString("N")[..8];
        using var client = CreateClient();
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new("sopInstanceUID", ScalarAttributeType.S),
                new("studyInstanceUID", ScalarAttributeType.S),
                new("receivedOrder", ScalarAttributeType.S),
            ],
            KeySchema = [new("sopInstanceUID", KeyType.HASH)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "byStudy",
                    KeySchema = [new("studyInstanceUID", KeyType.HASH), new("receivedOrder", KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        return await WaitUntilActiveAsync(client, name);
    }

    /// <summary>The table as the CDK app defines it: PK transactionUID, sparse GSI byDue (pending, nextAttemptAt), projection ALL.</summary>
    public async Task<string> CreateCommitmentTableAsync()
    {
        var name = "commitments-" + Guid.NewGuid().ToString("N")[..8];
        using var client = CreateClient();
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new("transactionUID", ScalarAttributeType.S),
                new("pending", ScalarAttributeType.S),
                new("nextAttemptAt", ScalarAttributeType.S),
            ],
            KeySchema = [new("transactionUID", KeyType.HASH)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "byDue",
                    KeySchema = [new("pending", KeyType.HASH), new("nextAttemptAt", KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
        });
        return await WaitUntilActiveAsync(client, name);
    }

    private static async Task<string> WaitUntilActiveAsync(AmazonDynamoDBClient client, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var table = await client.DescribeTableAsync(name);
            if (table.Table.TableStatus == TableStatus.ACTIVE)
            {
                return name;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"table {name} did not become ACTIVE");
    }

    public void Dispose() => _process.Dispose();
}
