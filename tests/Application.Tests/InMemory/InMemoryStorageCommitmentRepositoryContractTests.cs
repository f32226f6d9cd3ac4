using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class InMemoryStorageCommitmentRepositoryContractTests : StorageCommitmentRepositoryContract
{
    protected override Task<IStorageCommitmentRepository> CreateRepositoryAsync() =>
        Task.FromResult<IStorageCommitmentRepository>(new InMemoryStorageCommitmentRepository());
}
