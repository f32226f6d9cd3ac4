namespace ImagingGateway.Deploy.Tests;

[CollectionDefinition(Name)]
public sealed class VariantAppCollection : ICollectionFixture<VariantApp>
{
    public const string Name = "variant app";
}
