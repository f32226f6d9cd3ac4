using Amazon.CDK;
using Constructs;

namespace ImagingGateway.Deploy;

/// <summary>
/// aws-cdk-lib 2.160's own custom-resource providers pin runtimes that AWS has since closed for new functions
/// (nodejs20.x for the default-security-group restrictor, from 2026-06-01). Their handlers run unchanged on the
/// current runtimes, so each provider function gets one of those instead (tests/Deploy.Tests RuntimeTableTests keeps
/// the dated table that decides).
/// </summary>
public static class ProviderRuntimes
{
    public const string Node = "nodejs22.x";
    public const string Python = "python3.13";

    /// <summary>Overrides the runtime of every CDK provider function in <paramref name="scope"/>.</summary>
    public static void Replace(Construct scope)
    {
        foreach (var construct in scope.Node.FindAll())
        {
            if (construct is not CfnResource resource || resource.CfnResourceType != "AWS::Lambda::Function")
            {
                continue;
            }
            var path = construct.Node.Path;
            // Core providers (Custom::…CustomResourceProvider/Handler) are Node.js; the S3 notifications handler is Python.
            if (path.Contains("CustomResourceProvider/", StringComparison.Ordinal))
            {
                resource.AddPropertyOverride("Runtime", Node);
            }
            else if (path.Contains("/BucketNotificationsHandler", StringComparison.Ordinal))
            {
                resource.AddPropertyOverride("Runtime", Python);
            }
        }
    }
}
