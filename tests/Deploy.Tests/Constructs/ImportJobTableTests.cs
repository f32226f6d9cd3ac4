namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class ImportJobTableTests(ConfiguredApp app)
{
    [Fact]
    public void GivenJobTable_WhenReadingIt_ThenJobIdKeyOnDemandEncryptedRecoverableAndRetained()
    {
        var table = app.Table("jobId").Resource;
        var props = table.Props();
        var key = Assert.Single(props.GetProperty("KeySchema").EnumerateArray());
        Assert.Equal("jobId", key.GetProperty("AttributeName").GetString());
        Assert.Equal("HASH", key.GetProperty("KeyType").GetString());
        Assert.Equal("PAY_PER_REQUEST", props.GetProperty("BillingMode").GetString());
        Assert.True(props.GetProperty("SSESpecification").GetProperty("SSEEnabled").GetBoolean());
        Assert.True(props.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
        Assert.True(props.GetProperty("DeletionProtectionEnabled").GetBoolean());
        Assert.Equal("Retain", table.GetProperty("DeletionPolicy").GetString());
    }

    [Theory]
    [InlineData("byStatus", "jobStatus")]
    [InlineData("byStudy", "studyInstanceUID")]
    public void GivenJobTable_WhenReadingIndexes_ThenEachQueryOfTheAdapterHasItsIndex(string index, string partitionKey)
    {
        var gsi = app.Table("jobId").Resource.Props().GetProperty("GlobalSecondaryIndexes").EnumerateArray()
            .Single(i => i.GetProperty("IndexName").GetString() == index);
        var keys = gsi.GetProperty("KeySchema").EnumerateArray()
            .ToDictionary(k => k.GetProperty("KeyType").GetString()!, k => k.GetProperty("AttributeName").GetString());
        Assert.Equal(partitionKey, keys["HASH"]);
        Assert.Equal("submittedAt", keys["RANGE"]);
        Assert.Equal("ALL", gsi.GetProperty("Projection").GetProperty("ProjectionType").GetString());
        // The adapter learns the index names from docs/contracts.md.
        var contracts = File.ReadAllText(Path.Combine(app.RepositoryRoot, "docs", "contracts.md"));
        Assert.Contains($"`{index}`", contracts, StringComparison.Ordinal);
    }
}
