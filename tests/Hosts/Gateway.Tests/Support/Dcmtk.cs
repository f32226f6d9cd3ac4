using System.Text.RegularExpressions;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>DCMTK's storescu and echoscu against the gateway on loopback.</summary>
public static partial class Dcmtk
{
    private static readonly Dictionary<string, string> NoDelay = new() { ["TCP_NODELAY"] = "1" };

    public static Task<ProcessResult> EchoAsync(int port, string calledAe = "IMAGINGGW") =>
        ProcessRunner.RunAsync(ProcessRunner.RequireTool("echoscu"), ["-v", "-to", "10", "-aec", calledAe, "127.0.0.1", port.ToString()], TimeSpan.FromSeconds(30), NoDelay);

    /// <summary>Sends the files in one association (storescu -v, so the log lists every response).</summary>
    public static Task<ProcessResult> StoreAsync(int port, IEnumerable<string> files, string callingAe = "TESTSCU", string calledAe = "IMAGINGGW", TimeSpan? timeout = null)
    {
        var args = new List<string> { "-v", "-aet", callingAe, "-aec", calledAe, "-xs", "-R", "-to", "30", "-ta", "30", "-td", "60", "127.0.0.1", port.ToString() };
        args.AddRange(files);
        return ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"), args, timeout ?? TimeSpan.FromMinutes(3), NoDelay);
    }

    /// <summary>
    /// Sends the files in one association over TLS (PS3.15 B.1) with DCMTK's OpenSSL: <c>+tls</c> with the client's
    /// key and certificate, <c>+cf</c> the CA that must have issued the server's certificate.
    /// </summary>
    public static Task<ProcessResult> StoreOverTlsAsync(int port, string keyPem, string certificatePem, string caPem, IEnumerable<string> files)
    {
        var args = new List<string>
        {
            "-v", "-aet", "TESTSCU", "-aec", "IMAGINGGW", "-xs", "-R", "-to", "30", "-ta", "30", "-td", "60",
            "+tls", keyPem, certificatePem, "-pem", "+cf", caPem, "127.0.0.1", port.ToString(),
        };
        args.AddRange(files);
        return ProcessRunner.RunAsync(ProcessRunner.RequireTool("storescu"), args, TimeSpan.FromMinutes(3), NoDelay);
    }

    /// <summary>
    /// The SOP instance UIDs the SCP acknowledged with success, from a storescu -v log: each
    /// "Sending Store Request (MsgID n, XX)" is followed by "Received Store Response (Success)" or not; the files
    /// are sent in order, so the n-th request is the n-th file.
    /// </summary>
    public static IReadOnlyList<int> AcknowledgedFileIndexes(string log)
    {
        var acknowledged = new List<int>();
        var request = -1;
        foreach (var line in log.Split('\n'))
        {
            if (SendingRequest().IsMatch(line))
            {
                request++;
            }
            else if (line.Contains("Received Store Response (Success)", StringComparison.Ordinal) && request >= 0)
            {
                acknowledged.Add(request);
            }
        }

        return acknowledged;
    }

    [GeneratedRegex(@"Sending Store Request \(MsgID \d+")]
    private static partial Regex SendingRequest();
}
