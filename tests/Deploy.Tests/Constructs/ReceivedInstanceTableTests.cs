namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class ReceivedInstanceTableTests(ConfiguredApp app)
{
    [Fact]
    public void GivenInstanceTable_WhenReadingIt_ThenSopInstanceUidKeyOnDemandEncryptedRecoverableAndRetained()
    {
        var table = app.Table("sopInstanceUID").Resource;
        var props = table.Props();
        Assert.Single(props.GetProperty("KeySchema").EnumerateArray());
        Assert.Equal("PAY_PER_REQUEST", props.GetProperty("BillingMode").GetString());
        Assert.True(props.GetProperty("SSESpecification").GetProperty("SSEEnabled").GetBoolean());
        Assert.True(props.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
        Assert.True(props.GetProperty("DeletionProtectionEnabled").GetBoolean());
        Assert.Equal("Retain", table.GetProperty("DeletionPolicy").GetString());
    }

    [Fact]
    public void GivenInstanceTable_WhenReadingItsIndex_ThenTheStudyListingOfTheAdapterHasIt()
    {
        var gsi = Assert.Single(app.Table("sopInstanceUID").Resource.Props().GetProperty("GlobalSecondaryIndexes").EnumerateArray());
        Assert.Equal("byStudy", gsi.GetProperty("IndexName").GetString());
        var keys = gsi.GetProperty("KeySchema").EnumerateArray()
            .ToDictionary(k => k.GetProperty("KeyType").GetString()!, k => k.GetProperty("AttributeName").GetString());
        Assert.Equal("studyInstanceUID", keys["HASH"]);
        Assert.Equal("receivedOrder", keys["RANGE"]);
        Assert.Equal("ALL", gsi.GetProperty("Projection").GetProperty("ProjectionType").GetString());
        var contracts = File.ReadAllText(Path.Combine(app.RepositoryRoot, "docs", "contracts.md"));
        Assert.Contains("`GATEWAY__AWS__INSTANCETABLE`", contracts, StringComparison.Ordinal);
        Assert.Contains("`receivedOrder`", contracts, StringComparison.Ordinal);
    }
}
