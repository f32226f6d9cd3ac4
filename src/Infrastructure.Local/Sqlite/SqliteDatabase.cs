using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// One SQLite database file shared by the local adapters (job table, workflow executions, the imaging stand-in).
/// WAL journal (readers never block the writer), a busy timeout for concurrent writers, and synchronous=FULL so a
/// committed transaction survives a crash. Connections are pooled by Microsoft.Data.Sqlite; each use opens one.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<Task> _initialized;

    public SqliteDatabase(string path, TimeSpan? busyTimeout = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
        }.ToString();
        _initialized = new Lazy<Task>(InitializeAsync);
    }

    public string Path { get; }

    public TimeSpan BusyTimeout { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _initialized.Value.ConfigureAwait(false);
        return await OpenCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs schema statements (CREATE … IF NOT EXISTS) once per schema name and process, after <paramref name="upgrade"/>
    /// (when given) on the same connection.
    /// </summary>
    public async Task EnsureSchemaAsync(string sql, CancellationToken cancellationToken, Func<SqliteConnection, Task>? upgrade = null)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (upgrade is not null)
        {
            await upgrade(connection).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task InitializeAsync()
    {
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenCoreAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // WAL is a property of the file: set once, it stays.
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenCoreAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous=FULL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
