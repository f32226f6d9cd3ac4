using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

public sealed class ListDueCommitmentsHandler(TimeProvider time, IStorageCommitmentRepository? commitmentRepository = null) : IQueryHandler<ListDueCommitmentsQuery, IReadOnlyList<string>>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<IReadOnlyList<string>> Handle(ListDueCommitmentsQuery query, CancellationToken cancellationToken)
    {
        var due = await Commitments.ListDueAsync(time.GetUtcNow(), query.Limit, cancellationToken);
        return due.Select(r => r.TransactionUid).ToList();
    }
}
