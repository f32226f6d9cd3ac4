using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.Tests.Common;

public sealed class AwsEndpointsTests
{
    [Fact]
    public void GivenServiceAndGlobalOverrides_WhenResolving_ThenTheServiceSpecificOneWins()
    {
        var endpoints = new AwsEndpoints(Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:2")));

        Assert.Equal(new Uri("http://127.0.0.1:2"), endpoints.Resolve(AwsEndpoints.StepFunctions));
        Assert.Equal(new Uri("http://127.0.0.1:1"), endpoints.Resolve(AwsEndpoints.MedicalImaging));
    }

    [Fact]
    public void GivenNoOverride_WhenResolving_ThenNull()
    {
        Assert.Null(new AwsEndpoints(Env()).Resolve(AwsEndpoints.S3));
    }

    [Fact]
    public void GivenIgnoreConfiguredEndpoints_WhenResolving_ThenNull()
    {
        var endpoints = new AwsEndpoints(Env(("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));

        Assert.Null(endpoints.Resolve(AwsEndpoints.S3));
    }

    [Fact]
    public void GivenMalformedOverride_WhenResolving_ThenTheVariableIsNamed()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new AwsEndpoints(Env(("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000"))).Resolve(AwsEndpoints.DynamoDb));

        Assert.Contains("DYNAMODB", e.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
