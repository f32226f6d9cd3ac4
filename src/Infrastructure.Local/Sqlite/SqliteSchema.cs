using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// One adapter's tables in a <see cref="SqliteDatabase"/>: created (CREATE … IF NOT EXISTS) once per process, before the
/// first connection the adapter opens, after <paramref name="upgrade"/> (when given) has brought tables of an earlier
/// version up to date. The connection itself is set up by <see cref="SqliteDatabase.OpenAsync"/>.
/// </summary>
internal sealed class SqliteSchema(SqliteDatabase database, string sql, Func<SqliteConnection, Task>? upgrade = null)
{
    private readonly Lazy<Task> _created = new(() => database.EnsureSchemaAsync(sql, CancellationToken.None, upgrade));

    public Task EnsureCreatedAsync() => _created.Value;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        return await database.OpenAsync(cancellationToken).ConfigureAwait(false);
    }
}
