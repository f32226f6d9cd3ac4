using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ImagingGateway.Deploy;

/// <summary>An image URI in a private ECR registry: <c>ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG|@DIGEST]</c>.</summary>
public sealed partial record EcrImageUri(string Account, string Region, string Partition, string Repository, string TagOrDigest)
{
    public string RepositoryArn => $"arn:{Partition}:ecr:{Region}:{Account}:repository/{Repository}";

    public static bool TryParse(string uri, [NotNullWhen(true)] out EcrImageUri? image)
    {
        var match = Pattern().Match(uri);
        if (!match.Success)
        {
            image = null;
            return false;
        }
        var partition = match.Groups["cn"].Success ? "aws-cn" : "aws";
        var tagOrDigest = match.Groups["digest"].Success ? match.Groups["digest"].Value
            : match.Groups["tag"].Success ? match.Groups["tag"].Value : "latest";
        image = new EcrImageUri(match.Groups["account"].Value, match.Groups["region"].Value, partition, match.Groups["repo"].Value, tagOrDigest);
        return true;
    }

    [GeneratedRegex(@"^(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?<cn>\.cn)?/(?<repo>[a-z0-9][a-z0-9._/-]*?)(:(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(?<digest>sha256:[0-9a-f]{64}))?$")]
    private static partial Regex Pattern();
}
