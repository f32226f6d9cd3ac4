using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImagingGateway.Deploy.Tests;

/// <summary>Issue #23 item 10: every feature flag in deploy/cdk.json is one the pinned aws-cdk-lib reads.</summary>
public sealed partial class CdkJsonTests
{
    [Fact]
    public void GivenCdkJson_WhenReadingFeatureFlags_ThenEachIsKnownToTheAwsCdkLibVersionInUse()
    {
        var known = FlagsOfAwsCdkLib();
        Assert.Contains("@aws-cdk/aws-ec2:restrictDefaultSecurityGroup", known);
        using var cdkJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(CdkCliSynthTests.FindRoot(), "deploy", "cdk.json")));
        var flags = cdkJson.RootElement.GetProperty("context").EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith('@')).ToList();
        Assert.NotEmpty(flags);
        Assert.All(flags, flag => Assert.True(known.Contains(flag), $"{flag} is not a feature flag of aws-cdk-lib 2.160"));
    }

    /// <summary>The flag names in cx-api/lib/features.js of the aws-cdk-lib tarball that Amazon.CDK.Lib embeds.</summary>
    private static HashSet<string> FlagsOfAwsCdkLib()
    {
        var assembly = typeof(Amazon.CDK.App).Assembly;
        var name = Assert.Single(assembly.GetManifestResourceNames(), n => n.EndsWith(".tgz", StringComparison.Ordinal));
        using var gzip = new GZipStream(assembly.GetManifestResourceStream(name)!, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == "package/cx-api/lib/features.js")
            {
                using var reader = new StreamReader(entry.DataStream!);
                return FlagName().Matches(reader.ReadToEnd()).Select(m => m.Value.Trim('"')).ToHashSet(StringComparer.Ordinal);
            }
        }
        throw new InvalidOperationException("cx-api/lib/features.js not found in " + name);
    }

    [GeneratedRegex("\"@aws-cdk/[A-Za-z0-9-]+:[A-Za-z0-9]+\"")]
    private static partial Regex FlagName();
}
