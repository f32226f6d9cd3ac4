namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>One topology for every test class that needs it: the tests run one after another against it (faults are global).</summary>
[CollectionDefinition(Name)]
public sealed class AwsLocalCollection : ICollectionFixture<AwsLocalRun>
{
    public const string Name = "tools/AwsLocal";
}
