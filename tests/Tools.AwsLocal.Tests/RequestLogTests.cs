using System.Diagnostics;
using System.Text.Json.Nodes;
using ImagingGateway.AwsLocal;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>The request log is appended to by this process and by the node emulators at once: no line may be torn or lost.</summary>
public sealed class RequestLogTests
{
    private const int LinesEach = 20000;

    [Fact]
    public async Task GivenANodeProcessAppendingToTheSameLog_WhenThisProcessAppendsMeanwhile_ThenEveryLineOfBothIsWholeJson()
    {
        var path = Path.Combine(Path.GetTempPath(), $"requests-{Guid.NewGuid():N}.jsonl");
        try
        {
            var log = new RequestLog(path);
            var node = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            node.ArgumentList.Add("-e");
            node.ArgumentList.Add($$"""
                const fs = require('fs');
                process.stdout.write('appending\n');
                for (let i = 0; i < {{LinesEach}}; i++) fs.appendFileSync(process.argv[1], JSON.stringify({ principal: 'node', action: 'dynamodb:Query', resource: 'r' + i }) + '\n');
                """);
            node.ArgumentList.Add(path);
            using var emulator = Process.Start(node)!;
            // Both write at once, as the emulators and the Lambda front do during a run.
            Assert.Equal("appending", await emulator.StandardOutput.ReadLineAsync());
            for (var i = 0; i < LinesEach; i++)
            {
                log.Append("dotnet", "s3:PutObject", "r" + i);
            }

            await emulator.WaitForExitAsync();
            Assert.True(emulator.ExitCode == 0, await emulator.StandardError.ReadToEndAsync());

            var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Assert.Equal(LinesEach, lines.Count(l => (string)l["principal"]! == "node"));
            Assert.Equal(LinesEach, lines.Count(l => (string)l["principal"]! == "dotnet"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
