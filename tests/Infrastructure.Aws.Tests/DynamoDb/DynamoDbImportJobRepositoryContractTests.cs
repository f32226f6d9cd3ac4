using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

public sealed class DynamoDbImportJobRepositoryContractTests(DynaliteFixture dynalite) : ImportJobRepositoryContract, IClassFixture<DynaliteFixture>
{
    protected override async Task<IImportJobRepository> CreateRepositoryAsync()
    {
        var table = await dynalite.CreateJobTableAsync();
        return new DynamoDbImportJobRepository(dynalite.CreateClient(), Options.Create(new AwsOptions { JobTable = table }));
    }
}
