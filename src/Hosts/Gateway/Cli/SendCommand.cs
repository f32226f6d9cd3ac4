using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// <c>send HOST PORT PATH... [--concurrency N] [--window W] [--commit [--commit-timeout T] [--commit-also CLASS:INSTANCE]...]</c>:
/// C-STORE Part 10 files (directories recursively) with <see cref="DicomClient"/>, over N parallel associations, each
/// with up to W C-STOREs outstanding when the peer grants that asynchronous operations window (PS3.7 D.3.3.3), with a
/// progress bar and a summary. With <c>--commit</c>, storage commitment (PS3.4 J.3) follows for the stored instances on
/// one more association, which stays open for the report: the sender does not listen for a report on an association
/// of the SCP's own. Exit code 0 only when every file was stored (and, with <c>--commit</c>, every instance committed).
/// </summary>
public static class SendCommand
{
    public static Option<string> CallingAeOption() => new("--calling-ae", "-aet") { Description = "Our (calling) AE title", DefaultValueFactory = _ => "GATEWAYSCU" };

    public static Option<string> CalledAeOption() => new("--called-ae", "-aec") { Description = "The SCP's (called) AE title", DefaultValueFactory = _ => "IMAGINGGW" };

    public static Option<bool> TlsOption() => new("--tls") { Description = "Use DICOM TLS (PS3.15 B.1)" };

    public static Command Create()
    {
        var host = new Argument<string>("HOST") { Description = "The SCP's host name or address" };
        var port = new Argument<int>("PORT") { Description = "The SCP's DICOM port" };
        var paths = new Argument<string[]>("PATH") { Description = "Part 10 files or directories (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Parallel associations", DefaultValueFactory = _ => 1 };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--concurrency must be between 1 and 64");
            }
        });
        var window = new Option<int>("--window", "-w")
        {
            Description = "C-STOREs outstanding per association when the peer grants that asynchronous operations window (1: one at a time, nothing proposed)",
            DefaultValueFactory = _ => 16,
        };
        window.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > ushort.MaxValue)
            {
                r.AddError("--window must be between 1 and 65535");
            }
        });
        var calling = CallingAeOption();
        var called = CalledAeOption();
        var tls = TlsOption();
        var commit = new Option<bool>("--commit") { Description = "After sending, request storage commitment for the stored instances and wait for the report" };
        var commitTimeout = new Option<TimeSpan>("--commit-timeout") { Description = "How long to wait for the storage commitment report", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var commitAlso = new Option<string[]>("--commit-also")
        {
            Description = "Also request commitment for an instance sent before, as SOPCLASSUID:SOPINSTANCEUID (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        commitAlso.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (ParseReference(value) is null)
                {
                    r.AddError($"--commit-also '{value}': expected SOPCLASSUID:SOPINSTANCEUID");
                }
            }
        });
        var command = new Command("send", "Send DICOM files with C-STORE") { host, port, paths, concurrency, window, calling, called, tls, commit, commitTimeout, commitAlso };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetRequiredValue(host), parseResult.GetRequiredValue(port), parseResult.GetRequiredValue(paths), parseResult.GetValue(concurrency),
            new DicomClientOptions
            {
                CallingAeTitle = parseResult.GetRequiredValue(calling),
                CalledAeTitle = parseResult.GetRequiredValue(called),
                UseTls = parseResult.GetValue(tls),
                Association = new() { AsyncOperations = new((ushort)parseResult.GetValue(window), 1) },
            },
            parseResult.GetValue(commit) ? new CommitRequest(parseResult.GetValue(commitTimeout), [.. (parseResult.GetValue(commitAlso) ?? []).Select(v => ParseReference(v)!)]) : null,
            cancellationToken));
        return command;
    }

    /// <summary>What <c>--commit</c> asks for besides the stored files.</summary>
    private sealed record CommitRequest(TimeSpan Timeout, IReadOnlyList<ReferencedSop> Also);

    private static ReferencedSop? ParseReference(string value)
    {
        var parts = value.Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? new ReferencedSop(parts[0], parts[1]) : null;
    }

    private static async Task<int> RunAsync(string host, int port, string[] paths, int concurrency, DicomClientOptions options, CommitRequest? commit,
        CancellationToken cancellationToken)
    {
        var (files, failures, skipped) = Collect(paths);
        if (files.Count == 0 && failures.Count == 0)
        {
            await Console.Error.WriteLineAsync("No DICOM files found.");
            return 1;
        }

        var totalBytes = files.Sum(f => f.Length);
        var progress = new Progress(files.Count, totalBytes);
        var watch = Stopwatch.StartNew();
        var results = await new DicomClient(options).StoreFilesAsync(host, port, files, concurrency, progress, cancellationToken);
        progress.Finish();
        var elapsed = watch.Elapsed.TotalSeconds;
        var lanes = Math.Min(concurrency, Math.Max(1, files.Count));

        failures.AddRange(results.Where(r => !r.Succeeded).Select(r => (r.Path, r.Error ?? $"status {r.Status}")));
        var ok = results.Count(r => r.Succeeded);
        var warnings = results.Count(r => r.Status is { IsWarning: true });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sent {files.Count} file(s), {totalBytes / 1e6:F1} MB, in {elapsed:F2} s over {lanes} parallel association(s): {ok} stored ({warnings} with warnings), {failures.Count} failed, {skipped} non-DICOM file(s) skipped; {files.Count / Math.Max(elapsed, 1e-6):F1} files/s, {totalBytes / 1e6 / Math.Max(elapsed, 1e-6):F1} MB/s"));
        foreach (var (path, error) in failures.Take(50))
        {
            Console.WriteLine($"  FAILED {path}: {error}");
        }

        if (failures.Count > 50)
        {
            Console.WriteLine($"  ... and {failures.Count - 50} more");
        }

        var committed = true;
        if (commit is not null)
        {
            var references = results.Where(r => r.Succeeded).Select(r => files.First(f => f.Path == r.Path))
                .Select(f => new ReferencedSop(f.SopClassUid, f.SopInstanceUid)).Concat(commit.Also).ToList();
            committed = references.Count > 0 && await CommitAsync(host, port, options, references, commit.Timeout, cancellationToken);
        }

        return failures.Count == 0 && committed ? 0 : 1;
    }

    /// <summary>
    /// N-ACTION on a new association (SCU role proposed, PS3.7 D.3.3.4), then waits on it for the N-EVENT-REPORT and
    /// prints how many were committed and each failure with its reason (PS3.3 C.14.1.1). True when all were committed.
    /// </summary>
    private static async Task<bool> CommitAsync(string host, int port, DicomClientOptions options, IReadOnlyList<ReferencedSop> references, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var transactionUid = "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true, isBigEndian: false).ToString(CultureInfo.InvariantCulture);
        try
        {
            var association = await new DicomClient(options).ConnectAsync(host, port,
                [new PresentationContextRequestItem(1, NetworkUids.StorageCommitmentPushModel, [NetworkUids.ExplicitVrLittleEndian, NetworkUids.ImplicitVrLittleEndian])],
                [new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: false)], cancellationToken);
            await using (association)
            {
                var status = await association.RequestStorageCommitmentAsync(new StorageCommitmentRequest(transactionUid, references), cancellationToken);
                if (!status.IsSuccess)
                {
                    Console.WriteLine($"Storage commitment {transactionUid}: the request was refused with {status}");
                    return false;
                }

                var result = await association.WaitForStorageCommitmentResultAsync(timeout, cancellationToken);
                await association.ReleaseAsync(cancellationToken);
                Console.WriteLine($"Storage commitment {transactionUid}: {result.Committed.Count} of {references.Count} instance(s) committed, {result.Failed.Count} failed");
                foreach (var failed in result.Failed)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  NOT COMMITTED {failed.SopInstanceUid} (SOP class {failed.SopClassUid}): 0x{failed.FailureReason:X4} {StorageCommitmentFailureReason.Describe(failed.FailureReason)}"));
                }

                var reported = result.Committed.Select(c => c.SopInstanceUid).Concat(result.Failed.Select(f => f.SopInstanceUid)).ToHashSet(StringComparer.Ordinal);
                var missing = references.Where(r => !reported.Contains(r.SopInstanceUid)).ToList();
                foreach (var unreported in missing)
                {
                    Console.WriteLine($"  NOT REPORTED {unreported.SopInstanceUid}");
                }

                return result.Failed.Count == 0 && missing.Count == 0;
            }
        }
        catch (DicomNetworkException e)
        {
            Console.WriteLine($"Storage commitment {transactionUid}: {e.Message}");
            return false;
        }
    }

    private static (List<Part10FileInfo> Files, List<(string Path, string Error)> Failures, int Skipped) Collect(string[] paths)
    {
        var files = new List<Part10FileInfo>();
        var failures = new List<(string, string)>();
        var skipped = 0;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (TryRead(file, out var info, out _))
                    {
                        files.Add(info);
                    }
                    else
                    {
                        skipped++;
                    }
                }
            }
            else if (TryRead(path, out var info, out var error))
            {
                files.Add(info);
            }
            else
            {
                failures.Add((path, error));
            }
        }

        return (files, failures, skipped);
    }

    private static bool TryRead(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Part10FileInfo? info, out string error)
    {
        try
        {
            info = Part10FileInfo.Read(path);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            info = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>A one-line progress bar on stderr when it is a terminal; silent otherwise (logs, scripts).</summary>
    private sealed class Progress(int files, long bytes) : IProgress<StoreResult>
    {
        private readonly Lock _lock = new();
        private readonly bool _interactive = !Console.IsErrorRedirected;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private int _done;
        private int _failed;
        private long _bytes;
        private long _lastDraw;

        public void Report(StoreResult value)
        {
            lock (_lock)
            {
                _done++;
                _bytes += value.Length;
                if (!value.Succeeded)
                {
                    _failed++;
                }

                if (_interactive && (_watch.ElapsedMilliseconds - _lastDraw > 100 || _done == files))
                {
                    _lastDraw = _watch.ElapsedMilliseconds;
                    Draw();
                }
            }
        }

        public void Finish()
        {
            if (_interactive)
            {
                Console.Error.WriteLine();
            }
        }

        private void Draw()
        {
            const int width = 30;
            var fraction = bytes == 0 ? 1.0 : (double)_bytes / bytes;
            var filled = (int)Math.Round(fraction * width);
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', width - filled)}] {_done}/{files} files, {_bytes / 1e6:F1}/{bytes / 1e6:F1} MB, {_failed} failed "));
        }
    }
}
