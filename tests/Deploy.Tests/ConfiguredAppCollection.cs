namespace ImagingGateway.Deploy.Tests;

[CollectionDefinition(Name)]
public sealed class ConfiguredAppCollection : ICollectionFixture<ConfiguredApp>
{
    public const string Name = "configured app";
}
