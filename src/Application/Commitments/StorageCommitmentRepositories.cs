using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Commitments;

/// <summary>Storage commitment is a Gateway service: hosts without a repository (the Lambda functions) do not offer it.</summary>
internal static class StorageCommitmentRepositories
{
    public static IStorageCommitmentRepository Required(IStorageCommitmentRepository? repository) =>
        repository ?? throw new InvalidOperationException(
            $"this host has no storage commitment repository: register an {nameof(IStorageCommitmentRepository)} adapter to offer storage commitment");
}
