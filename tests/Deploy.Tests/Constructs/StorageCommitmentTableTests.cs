namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class StorageCommitmentTableTests(ConfiguredApp app)
{
    [Fact]
    public void GivenCommitmentTable_WhenReadingIt_ThenTransactionUidKeyOnDemandEncryptedRecoverableAndRetained()
    {
        var table = app.Table("transactionUID").Resource;
        var props = table.Props();
        Assert.Single(props.GetProperty("KeySchema").EnumerateArray());
        Assert.Equal("PAY_PER_REQUEST", props.GetProperty("BillingMode").GetString());
        Assert.True(props.GetProperty("SSESpecification").GetProperty("SSEEnabled").GetBoolean());
        Assert.True(props.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
        Assert.True(props.GetProperty("DeletionProtectionEnabled").GetBoolean());
        Assert.Equal("Retain", table.GetProperty("DeletionPolicy").GetString());
    }

    [Fact]
    public void GivenCommitmentTable_WhenReadingItsIndex_ThenTheDueListingOfTheAdapterHasIt()
    {
        var gsi = Assert.Single(app.Table("transactionUID").Resource.Props().GetProperty("GlobalSecondaryIndexes").EnumerateArray());
        Assert.Equal("byDue", gsi.GetProperty("IndexName").GetString());
        var keys = gsi.GetProperty("KeySchema").EnumerateArray()
            .ToDictionary(k => k.GetProperty("KeyType").GetString()!, k => k.GetProperty("AttributeName").GetString());
        Assert.Equal("pending", keys["HASH"]);
        Assert.Equal("nextAttemptAt", keys["RANGE"]);
        Assert.Equal("ALL", gsi.GetProperty("Projection").GetProperty("ProjectionType").GetString());
        var contracts = File.ReadAllText(Path.Combine(app.RepositoryRoot, "docs", "contracts.md"));
        Assert.Contains("`GATEWAY__AWS__COMMITMENTTABLE`", contracts, StringComparison.Ordinal);
        Assert.Contains("`byDue`", contracts, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheStack_WhenReadingItsOutputs_ThenTheCommitmentTableNameIsOne()
    {
        var output = app.Json.RootElement.GetProperty("Outputs").GetProperty("CommitmentTableName");
        Assert.Equal(app.Table("transactionUID").Id, output.GetProperty("Value").Target());
    }
}
