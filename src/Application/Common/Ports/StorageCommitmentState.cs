namespace ImagingGateway.Application.Common.Ports;

/// <summary>Where a commitment request's report stands.</summary>
public enum StorageCommitmentState
{
    /// <summary>The report is still owed (not decided yet, or not delivered yet).</summary>
    Pending,

    /// <summary>The requester answered the N-EVENT-REPORT.</summary>
    Reported,

    /// <summary>The report cannot be delivered: the requester is not a known peer, or every attempt failed.</summary>
    Undeliverable,
}
