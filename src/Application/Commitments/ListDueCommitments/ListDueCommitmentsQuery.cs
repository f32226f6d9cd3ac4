using Mediator;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

/// <summary>
/// The pending requests whose report is due for this reporter now, earliest first. <paramref name="AnsweredHere"/>
/// holds the Transaction UIDs whose N-ACTION this reporter's process answered: those are due for it as soon as they are
/// due at all, any other only once it has been due for TakeoverDelay.
/// </summary>
public sealed record ListDueCommitmentsQuery(int Limit, IReadOnlySet<string>? AnsweredHere = null) : IQuery<IReadOnlyList<DueCommitment>>;
