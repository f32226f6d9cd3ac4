using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ImagingGateway.Infrastructure.Local.Tests.Sqlite;

public sealed class SqliteReceivedInstanceIndexTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
    private const string Study = "1.2.826.0.1.3680043.8.498.1";
    private const string BatchA = "01JDQ5ZJ3K8X9F7N2B4C6D8E0G";
    private const string BatchB = "01JDQ60000000000000000000B";
    private readonly TempDirectory _temp = new();
    private readonly SqliteDatabase _database;
    private readonly SqliteReceivedInstanceIndex _index;

    public SqliteReceivedInstanceIndexTests()
    {
        _database = new SqliteDatabase(_temp.Combine("gateway.db"));
        _index = new SqliteReceivedInstanceIndex(_database);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenARecordedBatch_WhenAnInstanceIsFound_ThenEveryFieldReadsBack()
    {
        var full = Record(1, BatchA, T0);
        var sparse = Record(2, BatchA, T0.AddTicks(1)) with { StudyDate = null, Checksum = null, CallingAeTitle = null, CalledAeTitle = null };

        await _index.RecordAsync([full, sparse], default);

        Assert.Equal(full, await _index.FindAsync(full.SopInstanceUid, default));
        Assert.Equal(sparse, await _index.FindAsync(sparse.SopInstanceUid, default));
        Assert.Null(await _index.FindAsync("1.2.3.999", default));
    }

    [Fact]
    public async Task GivenAnInstanceReceivedAgainLater_WhenRecorded_ThenTheLatestWinsAndAReplayOfTheOlderBatchChangesNothing()
    {
        var older = Record(1, BatchA, T0) with { Size = 10 };
        var newer = Record(1, BatchB, T0.AddMinutes(5)) with { Size = 30 };

        await _index.RecordAsync([older], default);
        await _index.RecordAsync([newer], default);
        await _index.RecordAsync([older], default);

        var found = await _index.FindAsync(older.SopInstanceUid, default);
        Assert.Equal(newer, found);
    }

    [Fact]
    public async Task GivenTheSameBatchRecordedTwice_WhenFound_ThenTheSecondRecordingReplacesTheFirst()
    {
        await _index.RecordAsync([Record(1, BatchA, T0) with { Size = 10 }], default);
        await _index.RecordAsync([Record(1, BatchA, T0) with { Size = 11 }], default);

        Assert.Equal(11, (await _index.FindAsync(Sop(1), default))!.Size);
    }

    [Fact]
    public async Task GivenABatchWithAnInvalidRecord_WhenRecorded_ThenNothingOfTheBatchIsKept()
    {
        var good = Record(1, BatchA, T0);
        var bad = Record(2, BatchA, T0) with { ObjectKey = null! };

        // Microsoft.Data.Sqlite refuses to run an insert whose parameter is null ("Value must be set."), after the good
        // record's insert went in: the transaction must take that one back.
        await Assert.ThrowsAsync<InvalidOperationException>(() => _index.RecordAsync([good, bad], default));

        Assert.Null(await _index.FindAsync(good.SopInstanceUid, default));
    }

    [Fact]
    public async Task GivenInstancesOfTwoStudies_WhenListedByStudy_ThenOnlyThatStudysAreReturnedOldestFirstUpToTheLimit()
    {
        await _index.RecordAsync(
        [
            Record(3, BatchA, T0.AddSeconds(3)),
            Record(1, BatchA, T0.AddSeconds(1)),
            Record(2, BatchA, T0.AddSeconds(2)) with { StudyInstanceUid = "1.2.826.0.1.3680043.8.498.2" },
            Record(4, BatchA, T0.AddSeconds(4)),
        ], default);

        var all = await _index.ListByStudyAsync(Study, 10, default);
        var two = await _index.ListByStudyAsync(Study, 2, default);

        Assert.Equal([Sop(1), Sop(3), Sop(4)], all.Select(r => r.SopInstanceUid));
        Assert.Equal([Sop(1), Sop(3)], two.Select(r => r.SopInstanceUid));
        Assert.Empty(await _index.ListByStudyAsync("1.2.3", 10, default));
    }

    [Fact]
    public async Task GivenAFullBatch_WhenRecorded_ThenEveryInstanceIsFoundAfterAReopen()
    {
        var records = Enumerable.Range(1, 5000).Select(n => Record(n, BatchA, T0.AddMilliseconds(n))).ToList();

        await _index.RecordAsync(records, default);
        SqliteConnection.ClearAllPools();
        var reopened = new SqliteReceivedInstanceIndex(new SqliteDatabase(_database.Path));

        Assert.Equal(records[4999], await reopened.FindAsync(Sop(5000), default));
        Assert.Equal(1000, (await reopened.ListByStudyAsync(Study, 1000, default)).Count);
    }

    [Fact]
    public async Task GivenTheDatabase_WhenTheIndexIsCreated_ThenItsTablesAreInstancesAndTheirCommitmentsInWalModeBesideTheJobTable()
    {
        await _index.EnsureCreatedAsync();
        await new SqliteImportJobRepository(_database).GetAsync("none", default);

        await using var connection = await _database.OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("wal", reader.GetString(0));
        Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
        Assert.Equal("DicomImportJobTable,instance_commitments,instances", reader.GetString(0));
    }

    [Fact]
    public async Task GivenATableOfAnEarlierVersionWithASha256Column_WhenOpened_ThenItsValuesReadBackAsSha256Checksums()
    {
        // The table as versions before ObjectChecksum created it: a sha256 column of bare hex.
        var hex = new string('b', 64);
        await using (var connection = new SqliteConnection($"Data Source={_temp.Combine("gateway.db")}"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE instances (
                    sopInstanceUID TEXT NOT NULL PRIMARY KEY, sopClassUID TEXT NOT NULL, studyInstanceUID TEXT NOT NULL,
                    seriesInstanceUID TEXT NOT NULL, transferSyntaxUID TEXT NOT NULL, studyDate TEXT NULL,
                    objectKey TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NULL, batchId TEXT NOT NULL,
                    batchStudyInstanceUID TEXT NOT NULL, receivedAt TEXT NOT NULL, callingAeTitle TEXT NULL,
                    calledAeTitle TEXT NULL) WITHOUT ROWID;
                INSERT INTO instances VALUES ('{Sop(1)}', '1.2.840.10008.5.1.4.1.1.2', '{Study}', '{Study}.1',
                    '1.2.840.10008.1.2.1', NULL, 'dicom/k1.dcm', 10, '{hex}', '{BatchA}', '{Study}', '2026-11-28T05:00:00.0000000Z', NULL, NULL);
                INSERT INTO instances VALUES ('{Sop(2)}', '1.2.840.10008.5.1.4.1.1.2', '{Study}', '{Study}.1',
                    '1.2.840.10008.1.2.1', NULL, 'dicom/k2.dcm', 20, NULL, '{BatchA}', '{Study}', '2026-11-28T05:00:00.0000000Z', NULL, NULL);
                """;
            await create.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var reopened = new SqliteReceivedInstanceIndex(new SqliteDatabase(_temp.Combine("gateway.db")));

        Assert.Equal("sha256:" + hex, (await reopened.FindAsync(Sop(1), default))!.Checksum);
        Assert.Null((await reopened.FindAsync(Sop(2), default))!.Checksum);
        var added = Record(3, BatchB, T0);
        await reopened.RecordAsync([added], default);
        Assert.Equal(added, await reopened.FindAsync(added.SopInstanceUid, default));
    }

    [Fact]
    public async Task GivenATableOfAnEarlierVersionWithoutOutcomeColumns_WhenOpened_ThenItsRowsReadBackAndTakeOutcomes()
    {
        // The table as versions before import outcomes created it, with one row.
        await using (var connection = new SqliteConnection($"Data Source={_temp.Combine("gateway.db")}"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE instances (
                    sopInstanceUID TEXT NOT NULL PRIMARY KEY, sopClassUID TEXT NOT NULL, studyInstanceUID TEXT NOT NULL,
                    seriesInstanceUID TEXT NOT NULL, transferSyntaxUID TEXT NOT NULL, studyDate TEXT NULL,
                    objectKey TEXT NOT NULL, size INTEGER NOT NULL, checksum TEXT NULL, batchId TEXT NOT NULL,
                    batchStudyInstanceUID TEXT NOT NULL, receivedAt TEXT NOT NULL, callingAeTitle TEXT NULL,
                    calledAeTitle TEXT NULL) WITHOUT ROWID;
                INSERT INTO instances VALUES ('{Sop(1)}', '1.2.840.10008.5.1.4.1.1.2', '{Study}', '{Study}.1',
                    '1.2.840.10008.1.2.1', NULL, 'dicom/k1.dcm', 10, NULL, '{BatchA}', '{Study}', '2026-11-28T05:00:00.0000000Z', NULL, NULL);
                """;
            await create.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var reopened = new SqliteReceivedInstanceIndex(new SqliteDatabase(_temp.Combine("gateway.db")));
        var before = await reopened.FindAsync(Sop(1), default);
        var outcome = new InstanceImportOutcome(Sop(1), BatchA, "job1", InstanceImportStatus.Imported, "set1", "2", null, T0.AddMinutes(1));
        await reopened.RecordOutcomesAsync([outcome], default);

        Assert.NotNull(before);
        Assert.Null(before.ImportOutcome);
        Assert.Equal(before with { ImportOutcome = outcome }, await reopened.FindAsync(Sop(1), default));
    }

    private static string Sop(int n) => $"{Study}.1.{n}";

    private static ReceivedInstanceRecord Record(int n, string batchId, DateTimeOffset receivedAt) => new(
        SopInstanceUid: Sop(n),
        SopClassUid: "1.2.840.10008.5.1.4.1.1.2",
        StudyInstanceUid: Study,
        SeriesInstanceUid: Study + ".1",
        TransferSyntaxUid: "1.2.840.10008.1.2.1",
        StudyDate: "20261128",
        ObjectKey: $"dicom/2026/11/28/{batchId}/{Sop(n)}.dcm",
        Size: 1000 + n,
        Checksum: "xxh3:" + new string('a', 16),
        BatchId: batchId,
        BatchStudyInstanceUid: Study,
        ReceivedAt: receivedAt,
        CallingAeTitle: "MODALITY1",
        CalledAeTitle: "IMAGINGGW");
}
