using System.Text.RegularExpressions;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>Parses dcmdump's default output into <see cref="DumpLine"/>s (item and sequence delimiters dropped).</summary>
public static partial class DcmdumpParser
{
    public static List<DumpLine> Parse(string output)
    {
        var lines = new List<DumpLine>();
        foreach (var entry in Entries(output))
        {
            var match = LineRegex().Match(entry);
            if (!match.Success)
            {
                continue;
            }

            var tag = $"({match.Groups["g"].Value.ToUpperInvariant()},{match.Groups["e"].Value.ToUpperInvariant()})";
            if (tag is "(FFFE,E00D)" or "(FFFE,E0DD)")
            {
                continue;
            }

            var vr = match.Groups["vr"].Value;
            var value = match.Groups["value"].Value;
            if (tag == "(FFFE,E000)")
            {
                vr = vr == "pi" ? "FRAGMENT" : "ITEM";
                value = vr == "ITEM" ? string.Empty : value;
            }
            else if (vr == "SQ" || value.StartsWith("(PixelSequence", StringComparison.Ordinal))
            {
                value = string.Empty;
            }

            if (value.StartsWith('[') && value.EndsWith(']'))
            {
                value = value[1..^1];
            }
            else if (value == "(no value available)")
            {
                value = string.Empty;
            }

            lines.Add(new DumpLine(match.Groups["indent"].Length / 2, tag, vr, match.Groups["len"].Value, value));
        }

        return lines;
    }

    /// <summary>
    /// One string per element: dcmdump prints text values raw, so a value with line breaks spans several output lines.
    /// An entry is complete once it ends with dcmdump's "# length, VM name" column.
    /// </summary>
    private static IEnumerable<string> Entries(string output)
    {
        string? current = null;
        foreach (var line in output.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            if (StartRegex().IsMatch(line))
            {
                if (current is not null)
                {
                    yield return current;
                }

                current = line;
            }
            else if (current is not null && !LineRegex().IsMatch(current))
            {
                current += "\n" + line;
            }
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    [GeneratedRegex(@"^ *\([0-9a-f]{4},[0-9a-f]{4}\) ")]
    private static partial Regex StartRegex();

    [GeneratedRegex(@"^(?<indent> *)\((?<g>[0-9a-f]{4}),(?<e>[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?<len>u/l|\d+), *(?<vm>\d+) (?<name>[^\n]*)$", RegexOptions.Singleline)]
    private static partial Regex LineRegex();
}
