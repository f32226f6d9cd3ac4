namespace ImagingGateway.Deploy.Tests;

/// <summary>
/// The app with the choices the other two leave out: a pushed image in private ECR, three explicit zones, an internal
/// load balancer with TLS and the cleartext listener asked for beside it.
/// </summary>
public sealed class VariantApp() : SynthesizedApp(Overrides)
{
    public const string EcrImage = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/imaging/gateway:1.4.2";
    public static readonly string[] Zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

    private static readonly Dictionary<string, object> Overrides = new()
    {
        ["gatewayImage"] = EcrImage,
        ["availabilityZones"] = Zones,
        ["natGateways"] = 3d,
        ["allowedPeerCidrs"] = new object[] { ConfiguredApp.PeerA },
        ["tlsCertificateArn"] = ConfiguredApp.CertificateArn,
        ["cleartextListener"] = true,
    };
}
