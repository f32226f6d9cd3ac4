using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

public sealed class DynamoDbStorageCommitmentRepositoryContractTests(DynaliteFixture dynalite) : StorageCommitmentRepositoryContract, IClassFixture<DynaliteFixture>
{
    protected override async Task<IStorageCommitmentRepository> CreateRepositoryAsync()
    {
        var table = await dynalite.CreateCommitmentTableAsync();
        return new DynamoDbStorageCommitmentRepository(dynalite.CreateClient(), Options.Create(new AwsOptions { CommitmentTable = table }));
    }
}
