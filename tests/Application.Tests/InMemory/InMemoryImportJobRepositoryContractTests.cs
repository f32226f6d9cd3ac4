using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class InMemoryImportJobRepositoryContractTests : ImportJobRepositoryContract
{
    protected override Task<IImportJobRepository> CreateRepositoryAsync() =>
        Task.FromResult<IImportJobRepository>(new InMemoryImportJobRepository());
}
