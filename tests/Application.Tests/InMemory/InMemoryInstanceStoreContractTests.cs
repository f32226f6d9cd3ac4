using System.Security.Cryptography;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class InMemoryInstanceStoreContractTests : InstanceStoreContract
{
    private readonly InMemoryInstanceStore _store = new(TimeProvider.System);

    protected override Task<IInstanceStore> CreateStoreAsync() => Task.FromResult<IInstanceStore>(_store);

    protected override Task<IInstanceStore> CreateFailingStoreAsync() =>
        Task.FromResult<IInstanceStore>(new InMemoryInstanceStore(TimeProvider.System) { FailCommits = _ => true });

    protected override string ExpectedChecksum(byte[] content) => ObjectChecksum.Sha256(SHA256.HashData(content));
}
