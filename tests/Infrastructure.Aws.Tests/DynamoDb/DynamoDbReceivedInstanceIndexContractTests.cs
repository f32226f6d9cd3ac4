using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

public sealed class DynamoDbReceivedInstanceIndexContractTests(DynaliteFixture dynalite) : ReceivedInstanceIndexContract, IClassFixture<DynaliteFixture>
{
    protected override async Task<IReceivedInstanceIndex> CreateIndexAsync()
    {
        var table = await dynalite.CreateInstanceTableAsync();
        return new DynamoDbReceivedInstanceIndex(dynalite.CreateClient(), Options.Create(new AwsOptions { InstanceTable = table }));
    }
}
