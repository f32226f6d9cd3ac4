using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Infrastructure.Local.Tests.Sqlite;

public sealed class SqliteReceivedInstanceIndexContractTests : ReceivedInstanceIndexContract, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    protected override Task<IReceivedInstanceIndex> CreateIndexAsync() =>
        Task.FromResult<IReceivedInstanceIndex>(new SqliteReceivedInstanceIndex(new SqliteDatabase(_temp.Combine("gateway.db"))));
}
