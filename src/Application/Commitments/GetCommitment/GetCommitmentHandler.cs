using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Commitments.GetCommitment;

public sealed class GetCommitmentHandler(IStorageCommitmentRepository? commitmentRepository = null) : IQueryHandler<GetCommitmentQuery, StorageCommitmentDto?>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<StorageCommitmentDto?> Handle(GetCommitmentQuery query, CancellationToken cancellationToken)
    {
        var record = await Commitments.FindAsync(query.TransactionUid, cancellationToken);
        return record is null ? null : StorageCommitmentDto.From(record);
    }
}
