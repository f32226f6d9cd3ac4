using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class HealthImagingDatastoreTests(ConfiguredApp app)
{
    [Fact]
    public void GivenDatastore_WhenReadingIt_ThenOneRetainedDatastoreWithoutAFixedName()
    {
        var datastore = app.Single("AWS::HealthImaging::Datastore");
        Assert.Equal("Retain", datastore.GetProperty("DeletionPolicy").GetString());
        Assert.Null(datastore.Props().Get("DatastoreName"));
    }

    [Fact]
    public void GivenDataAccessRole_WhenReadingTrust_ThenOnlyHealthImagingForThisAccountAssumesIt()
    {
        var (roleId, role) = DataAccessRole();
        var statement = Assert.Single(role.Props().GetProperty("AssumeRolePolicyDocument").GetProperty("Statement").EnumerateArray());
        Assert.Equal("medical-imaging.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("AWS::AccountId", statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount").Target());
        Assert.NotEmpty(app.StatementsOfRole(roleId));
    }

    [Fact]
    public void GivenDataAccessRole_WhenReadingPermissions_ThenItReadsDicomInputAndWritesResultsOnly()
    {
        var (roleId, _) = DataAccessRole();
        var statements = app.StatementsOfRole(roleId);
        var dicomId = LogicalId(app.Stack.DicomBucket.Bucket);
        var resultsId = LogicalId(app.Stack.ResultsBucket.Bucket);
        foreach (var statement in statements)
        {
            var actions = statement.GetProperty("Action").Strings().ToList();
            Assert.All(actions, a => Assert.StartsWith("s3:", a, StringComparison.Ordinal));
            var targets = statement.ResourceTargets();
            if (actions.Any(a => a.StartsWith("s3:Put", StringComparison.Ordinal) || a.StartsWith("s3:Delete", StringComparison.Ordinal)))
            {
                Assert.All(targets, t => Assert.Equal(resultsId, t));
            }
            if (actions.Any(a => a.StartsWith("s3:GetObject", StringComparison.Ordinal)))
            {
                Assert.All(targets, t => Assert.Equal(dicomId, t));
                var objectResources = statement.GetProperty("Resource").Items().Select(r => r.JoinText()).Where(r => r.Contains('/', StringComparison.Ordinal));
                Assert.All(objectResources, r => Assert.EndsWith("/dicom/*", r, StringComparison.Ordinal));
            }
            Assert.DoesNotContain(actions, a => a.StartsWith("s3:Delete", StringComparison.Ordinal));
        }
        var all = statements.Actions();
        Assert.Contains("s3:PutObject", all);
        Assert.Contains("s3:GetObject*", all);
        Assert.Contains("s3:ListBucket", all);
    }

    [Fact]
    public void GivenImportFunctions_WhenReadingHealthImagingGrants_ThenStartAndGetAreScopedToTheDatastore()
    {
        var datastoreId = app.Resources("AWS::HealthImaging::Datastore").Single().Id;
        var start = app.StatementsOfFunction(ImagingGatewayStack.StartImportJobHandler)
            .Single(s => s.GetProperty("Action").Strings().Contains("medical-imaging:StartDICOMImportJob"));
        Assert.Equal([datastoreId], start.ResourceTargets());
        var passRole = app.StatementsOfFunction(ImagingGatewayStack.StartImportJobHandler)
            .Single(s => s.GetProperty("Action").Strings().Contains("iam:PassRole"));
        Assert.Equal([DataAccessRole().Id], passRole.ResourceTargets());
        Assert.Equal("medical-imaging.amazonaws.com", passRole.GetProperty("Condition").GetProperty("StringEquals").GetProperty("iam:PassedToService").GetString());
        var get = app.StatementsOfFunction(ImagingGatewayStack.CheckStatusHandler)
            .Single(s => s.GetProperty("Action").Strings().Contains("medical-imaging:GetDICOMImportJob"));
        Assert.Equal([datastoreId], get.ResourceTargets());
    }

    private (string Id, System.Text.Json.JsonElement Resource) DataAccessRole() =>
        Assert.Single(app.Resources("AWS::IAM::Role"), r =>
            r.Resource.Props().GetProperty("AssumeRolePolicyDocument").GetProperty("Statement").EnumerateArray()
                .Any(s => s.Get("Principal")?.Get("Service")?.GetString() == "medical-imaging.amazonaws.com"));

    private string LogicalId(Amazon.CDK.AWS.S3.Bucket bucket) =>
        app.Stack.GetLogicalId((Amazon.CDK.CfnElement)bucket.Node.DefaultChild!);
}
