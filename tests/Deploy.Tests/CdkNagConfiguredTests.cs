namespace ImagingGateway.Deploy.Tests;

/// <summary>cdk-nag over the operator's configuration too: an internet-facing load balancer with TLS and peers.</summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class CdkNagConfiguredTests(ConfiguredApp app)
{
    [Fact]
    public async Task GivenConfiguredTemplate_WhenRunningCdkNag_ThenNoErrorIsLeftUnsuppressed()
    {
        using var report = await CdkNagTests.RunNagAsync(app);
        CdkNagTests.AssertNoUnsuppressedError(report);
    }
}
