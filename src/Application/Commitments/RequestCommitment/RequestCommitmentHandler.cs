using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Commitments.RequestCommitment;

public sealed class RequestCommitmentHandler(TimeProvider time, IStorageCommitmentRepository? commitmentRepository = null)
    : ICommandHandler<RequestCommitmentCommand, RequestCommitmentResult>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<RequestCommitmentResult> Handle(RequestCommitmentCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = new StorageCommitmentRecord(command.TransactionUid, command.CallingAeTitle, command.CalledAeTitle, command.AssociationId, now,
            command.References.Select(r => new StorageCommitmentItem(r.SopClassUid, r.SopInstanceUid)).ToList(),
            StorageCommitmentState.Pending, now);
        if (await Commitments.TryAddAsync(record, cancellationToken))
        {
            return new RequestCommitmentResult(record, IsNew: true);
        }

        var existing = await Commitments.FindAsync(command.TransactionUid, cancellationToken)
            ?? throw new InvalidOperationException($"commitment {command.TransactionUid} was neither added nor found");
        return new RequestCommitmentResult(existing, IsNew: false);
    }
}
