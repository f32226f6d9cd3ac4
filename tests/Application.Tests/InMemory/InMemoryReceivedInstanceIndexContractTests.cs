using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class InMemoryReceivedInstanceIndexContractTests : ReceivedInstanceIndexContract
{
    protected override Task<IReceivedInstanceIndex> CreateIndexAsync() =>
        Task.FromResult<IReceivedInstanceIndex>(new InMemoryReceivedInstanceIndex());
}
