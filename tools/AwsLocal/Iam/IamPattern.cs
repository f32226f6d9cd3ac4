using System.Text.RegularExpressions;

namespace ImagingGateway.AwsLocal.Iam;

/// <summary>
/// IAM's wildcard matching: <c>*</c> is any run of characters (also across <c>/</c> and <c>:</c>), <c>?</c> one
/// character. Actions compare case-insensitively, resources case-sensitively
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
/// </summary>
public static class IamPattern
{
    public static bool MatchesAction(string pattern, string action) => Matches(pattern, action, ignoreCase: true);

    public static bool MatchesResource(string pattern, string resource) => Matches(pattern, resource, ignoreCase: false);

    private static bool Matches(string pattern, string value, bool ignoreCase)
    {
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
