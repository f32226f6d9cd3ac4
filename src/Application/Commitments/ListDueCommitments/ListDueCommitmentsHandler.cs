using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

/// <summary>
/// Due means pending, past its next attempt, and requested at least ReportDelay ago: the delay is applied here, not
/// stored, so a restart with another delay applies it to requests already pending.
/// </summary>
public sealed class ListDueCommitmentsHandler(TimeProvider time, IOptions<StorageCommitmentOptions> options, IStorageCommitmentRepository? commitmentRepository = null)
    : IQueryHandler<ListDueCommitmentsQuery, IReadOnlyList<string>>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<IReadOnlyList<string>> Handle(ListDueCommitmentsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await Commitments.ListDueAsync(now, query.Limit, cancellationToken);
        return due.Where(r => r.RequestedAt + options.Value.ReportDelay <= now).Select(r => r.TransactionUid).ToList();
    }
}
