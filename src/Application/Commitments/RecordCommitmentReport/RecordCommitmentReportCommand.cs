using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Commitments.RecordCommitmentReport;

/// <summary>
/// What became of one attempt to deliver a commitment report: delivered (over <paramref name="Via"/>), failed for now
/// (retried later), or not deliverable at all (<paramref name="GiveUp"/>, e.g. the requester is not a known peer).
/// </summary>
public sealed record RecordCommitmentReportCommand(string TransactionUid, bool Delivered, string? Via, string? Error, bool GiveUp = false)
    : ICommand<StorageCommitmentRecord>;
