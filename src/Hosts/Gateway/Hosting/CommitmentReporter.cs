using ImagingGateway.Application.Commitments.ClaimCommitment;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using ImagingGateway.Gateway.Observability;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Sends the storage commitment reports that are due (PS3.4 J.3.3), also those left pending by an earlier run or by
/// another Gateway task that stopped: claims each request (ClaimCommitment), so that of several tasks sharing the
/// repository one works it, and skips it when another task claimed it first; decides it (DecideCommitment); sends the
/// N-EVENT-REPORT on the request's association while it is open, else on a new association to the requester found by
/// calling AE title in Gateway:StorageCommitment:Peers, proposing the SCP role (PS3.7 D.3.3.4); and records the
/// outcome (RecordCommitmentReport). A requester that is not a known peer cannot be reached: its report is given up
/// with a log line and the metric's "unknown-peer" outcome.
/// </summary>
public sealed partial class CommitmentReporter(
    ISender sender, CommitmentChannels channels, IOptions<GatewayOptions> options, GatewayMetrics metrics, ILogger<CommitmentReporter> logger) : BackgroundService
{
    /// <summary>The longest one delivery attempt may take, on the request's association and then on a new one.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(4);

    /// <summary>With several tasks: a claim outlasts one attempt, with a minute for deciding and recording it.</summary>
    public static readonly TimeSpan ClaimLease = AttemptTimeout + TimeSpan.FromMinutes(1);

    private static readonly TimeSpan SameAssociationTimeout = TimeSpan.FromMinutes(2);
    private const string SameAssociation = "same association";
    private const string NewAssociation = "new association";
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>A request was recorded: look for due reports now rather than at the next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: the next round sees every due request.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.StorageCommitment;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var due in await sender.Send(new ListDueCommitmentsQuery(100, channels.Held()), stoppingToken))
                {
                    if (!await sender.Send(new ClaimCommitmentCommand(due.TransactionUid, due.NextAttemptAt), stoppingToken))
                    {
                        LogClaimedElsewhere(logger, due.TransactionUid);
                        continue;
                    }

                    await ReportAsync(due.TransactionUid, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The repository is unavailable (disk, lock): the reports stay pending and the next round tries again.
                LogRoundFailed(logger, e);
            }

            try
            {
                await _wake.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReportAsync(string transactionUid, CancellationToken cancellationToken)
    {
        var decided = await sender.Send(new DecideCommitmentCommand(transactionUid), cancellationToken);
        if (decided.Report is not { } report)
        {
            return;
        }

        // The claim lasts ClaimLease, so the network part of the attempt ends well within it.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(AttemptTimeout);
        var record = decided.Record;
        if (channels.Take(transactionUid) is { } channel)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token);
            timeout.CancelAfter(SameAssociationTimeout);
            DimseStatus? answered;
            try
            {
                answered = await channel.TrySendAsync(report, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                answered = null;
            }

            if (answered is { IsSuccess: true })
            {
                await DeliveredAsync(report, SameAssociation, cancellationToken);
                return;
            }
        }

        var peer = options.Value.StorageCommitment.Peers.FirstOrDefault(p => p.AeTitle.Trim(' ') == record.CallingAeTitle);
        if (peer is null)
        {
            var reason = $"calling AE title {record.CallingAeTitle} is not in Gateway:StorageCommitment:Peers, so no association can be opened to it";
            LogUnknownPeer(logger, transactionUid, DicomAeTitleRules.Printable(record.CallingAeTitle));
            metrics.CommitmentUndeliverable("unknown-peer");
            await sender.Send(new RecordCommitmentReportCommand(transactionUid, false, null, reason, GiveUp: true), cancellationToken);
            channels.Forget(transactionUid);
            return;
        }

        DimseStatus status;
        try
        {
            status = await SendOnNewAssociationAsync(peer, report, attempt.Token);
        }
        catch (DicomNetworkException e)
        {
            await FailedAsync(transactionUid, $"{peer.AeTitle} at {peer.Host}:{peer.Port}: {e.Message}", cancellationToken);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await FailedAsync(transactionUid, $"{peer.AeTitle} at {peer.Host}:{peer.Port}: the attempt took longer than {AttemptTimeout}", cancellationToken);
            return;
        }

        if (status.IsSuccess)
        {
            await DeliveredAsync(report, NewAssociation, cancellationToken);
            return;
        }

        await FailedAsync(transactionUid, $"{peer.AeTitle} answered the N-EVENT-REPORT with {status}", cancellationToken);
    }

    private async Task<DimseStatus> SendOnNewAssociationAsync(DicomPeerOptions peer, StorageCommitmentResult report, CancellationToken cancellationToken)
    {
        var client = new DicomClient(new DicomClientOptions
        {
            CallingAeTitle = options.Value.AeTitle.Trim(' '),
            CalledAeTitle = peer.AeTitle.Trim(' '),
            UseTls = peer.UseTls,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            DimseTimeout = TimeSpan.FromSeconds(60),
        });
        var association = await client.ConnectAsync(peer.Host, peer.Port,
            [new PresentationContextRequestItem(1, NetworkUids.StorageCommitmentPushModel, [NetworkUids.ExplicitVrLittleEndian, NetworkUids.ImplicitVrLittleEndian])],
            [new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: false, ScpRole: true)], cancellationToken);
        await using (association)
        {
            var status = await association.SendStorageCommitmentResultAsync(report, cancellationToken);
            await association.ReleaseAsync(cancellationToken);
            return status;
        }
    }

    private async Task DeliveredAsync(StorageCommitmentResult report, string via, CancellationToken cancellationToken)
    {
        await sender.Send(new RecordCommitmentReportCommand(report.TransactionUid, true, via, null), cancellationToken);
        channels.Forget(report.TransactionUid);
        metrics.CommitmentReported(report.Committed.Count, report.Failed.Count);
        LogReported(logger, report.TransactionUid, via, report.Committed.Count, report.Failed.Count);
    }

    private async Task FailedAsync(string transactionUid, string error, CancellationToken cancellationToken)
    {
        var record = await sender.Send(new RecordCommitmentReportCommand(transactionUid, false, null, error), cancellationToken);
        var gaveUp = record.State == StorageCommitmentState.Undeliverable;
        if (gaveUp)
        {
            channels.Forget(transactionUid);
        }

        metrics.CommitmentUndeliverable(gaveUp ? "gave-up" : "retry");
        LogDeliveryFailed(logger, transactionUid, record.Attempts, record.State.ToString(), error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage commitment {TransactionUid} reported on the {Via}: {Committed} committed, {Failed} failed")]
    private static partial void LogReported(ILogger logger, string transactionUid, string via, int committed, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage commitment {TransactionUid}: the report cannot be sent, because its requester {CallingAe} left the association and is not a known peer (add it to Gateway:StorageCommitment:Peers)")]
    private static partial void LogUnknownPeer(ILogger logger, string transactionUid, string callingAe);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage commitment {TransactionUid}: delivery attempt {Attempt} failed ({State}): {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string transactionUid, int attempt, string state, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storage commitment {TransactionUid}: another Gateway task claimed it first, so it works it")]
    private static partial void LogClaimedElsewhere(ILogger logger, string transactionUid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for storage commitment reports to send failed; retrying at the next poll")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
