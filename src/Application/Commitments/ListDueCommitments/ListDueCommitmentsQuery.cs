using Mediator;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

/// <summary>The Transaction UIDs of pending requests whose report is due now, earliest first.</summary>
public sealed record ListDueCommitmentsQuery(int Limit) : IQuery<IReadOnlyList<string>>;
