using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// One adapter's tables in a <see cref="SqliteDatabase"/>: created (CREATE … IF NOT EXISTS) once per process, before the
/// first connection the adapter opens. The connection itself is set up by <see cref="SqliteDatabase.OpenAsync"/>.
/// </summary>
internal sealed class SqliteSchema(SqliteDatabase database, string sql)
{
    private readonly Lazy<Task> _created = new(() => database.EnsureSchemaAsync(sql, CancellationToken.None));

    public Task EnsureCreatedAsync() => _created.Value;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        return await database.OpenAsync(cancellationToken).ConfigureAwait(false);
    }
}
