using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.ClaimCommitment;

/// <summary>
/// Moves the request's next attempt to ClaimLease from now, if no one moved it since it was listed: other reporters
/// then skip it until the lease ends. DecideCommitment and RecordCommitmentReport set the real next attempt; if this
/// reporter dies first, the request is due again when the lease ends.
/// </summary>
public sealed class ClaimCommitmentHandler(TimeProvider time, IOptions<StorageCommitmentOptions> options, IStorageCommitmentRepository? commitmentRepository = null)
    : ICommandHandler<ClaimCommitmentCommand, bool>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<bool> Handle(ClaimCommitmentCommand command, CancellationToken cancellationToken) =>
        await Commitments.TryClaimAsync(command.TransactionUid, command.ExpectedNextAttemptAt, time.GetUtcNow() + options.Value.ClaimLease, cancellationToken);
}
