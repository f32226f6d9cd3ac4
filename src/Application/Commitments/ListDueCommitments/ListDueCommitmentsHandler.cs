using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

/// <summary>
/// Due means pending, past its next attempt, and requested at least ReportDelay ago: the delay is applied here, not
/// stored, so a restart with another delay applies it to requests already pending. A request this reporter's process
/// did not answer is listed only TakeoverDelay after it became due, which leaves it to the Gateway task that holds the
/// requester's association while that task is alive: its reporter keeps moving the next attempt on (DecisionInterval,
/// RetryInterval) for as long as it works the request.
/// </summary>
public sealed class ListDueCommitmentsHandler(TimeProvider time, IOptions<StorageCommitmentOptions> options, IStorageCommitmentRepository? commitmentRepository = null)
    : IQueryHandler<ListDueCommitmentsQuery, IReadOnlyList<DueCommitment>>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<IReadOnlyList<DueCommitment>> Handle(ListDueCommitmentsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var due = await Commitments.ListDueAsync(now, query.Limit, cancellationToken);
        return due
            .Select(r => (Record: r, DueAt: Max(r.NextAttemptAt, r.RequestedAt + settings.ReportDelay)))
            .Where(d => d.DueAt <= now && (query.AnsweredHere?.Contains(d.Record.TransactionUid) == true || d.DueAt + settings.TakeoverDelay <= now))
            .Select(d => new DueCommitment(d.Record.TransactionUid, d.Record.NextAttemptAt))
            .ToList();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
