namespace ImagingGateway.Deploy.Tests;

[CollectionDefinition(Name)]
public sealed class DefaultAppCollection : ICollectionFixture<DefaultApp>
{
    public const string Name = "default app";
}
