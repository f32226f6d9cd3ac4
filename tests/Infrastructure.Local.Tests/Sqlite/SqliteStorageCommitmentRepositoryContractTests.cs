using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Infrastructure.Local.Tests.Sqlite;

public sealed class SqliteStorageCommitmentRepositoryContractTests : StorageCommitmentRepositoryContract, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    protected override Task<IStorageCommitmentRepository> CreateRepositoryAsync() =>
        Task.FromResult<IStorageCommitmentRepository>(new SqliteStorageCommitmentRepository(new SqliteDatabase(_temp.Combine("gateway.db"))));
}
