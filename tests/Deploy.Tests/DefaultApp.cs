namespace ImagingGateway.Deploy.Tests;

/// <summary>The app with only the defaults of deploy/cdk.json (no peers, no certificate).</summary>
public sealed class DefaultApp() : SynthesizedApp(new Dictionary<string, object>());
