using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IStorageCommitmentRepository"/> promises: a request is added once per Transaction UID and reads
/// back whole with its items in order, updates replace it, and only pending requests that are due are listed, earliest first.
/// </summary>
public abstract class StorageCommitmentRepositoryContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    /// <summary>An empty repository of the adapter under test.</summary>
    protected abstract Task<IStorageCommitmentRepository> CreateRepositoryAsync();

    protected static StorageCommitmentRecord Record(string transactionUid, DateTimeOffset nextAttemptAt) => new(
        transactionUid, "MODALITY", "IMAGINGGW", "assoc-1", T0,
        [new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.1"), new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.2")],
        StorageCommitmentState.Pending, nextAttemptAt);

    private static void AssertSame(StorageCommitmentRecord expected, StorageCommitmentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected with { Items = [] }, actual with { Items = [] }, new RecordWithoutItems());
    }

    [Fact]
    public async Task GivenANewRequest_WhenAddedTwice_ThenTheSecondIsRefusedAndTheFirstReadsBack()
    {
        var repository = await CreateRepositoryAsync();
        var record = Record("2.25.1", T0);

        Assert.True(await repository.TryAddAsync(record, CancellationToken.None));
        Assert.False(await repository.TryAddAsync(record with { CallingAeTitle = "OTHER" }, CancellationToken.None));

        AssertSame(record, await repository.FindAsync("2.25.1", CancellationToken.None));
        Assert.Null(await repository.FindAsync("2.25.404", CancellationToken.None));
    }

    [Fact]
    public async Task GivenDecisionsAndAReport_WhenUpdated_ThenEveryFieldReadsBack()
    {
        var repository = await CreateRepositoryAsync();
        await repository.TryAddAsync(Record("2.25.2", T0), CancellationToken.None);
        var updated = Record("2.25.2", T0.AddMinutes(1)) with
        {
            Items = [new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.1", true, null, "01JDQ5ZJ3K8X9F7N2B4C6D8E0G"),
                     new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.2", true, 0x0112)],
            State = StorageCommitmentState.Reported,
            Attempts = 2,
            ReportedAt = T0.AddSeconds(5),
            ReportedVia = "new association",
            LastError = "connection refused",
        };

        await repository.UpdateAsync(updated, CancellationToken.None);

        AssertSame(updated, await repository.FindAsync("2.25.2", CancellationToken.None));
    }

    [Fact]
    public async Task GivenPendingReportedAndLaterRequests_WhenDueAreListed_ThenOnlyDuePendingOnesComeEarliestFirst()
    {
        var repository = await CreateRepositoryAsync();
        await repository.TryAddAsync(Record("2.25.10", T0.AddSeconds(2)), CancellationToken.None);
        await repository.TryAddAsync(Record("2.25.11", T0.AddSeconds(1)), CancellationToken.None);
        await repository.TryAddAsync(Record("2.25.12", T0.AddMinutes(10)), CancellationToken.None);
        await repository.TryAddAsync(Record("2.25.13", T0), CancellationToken.None);
        await repository.UpdateAsync(Record("2.25.13", T0) with { State = StorageCommitmentState.Reported }, CancellationToken.None);

        var due = await repository.ListDueAsync(T0.AddSeconds(5), 10, CancellationToken.None);
        var first = await repository.ListDueAsync(T0.AddSeconds(5), 1, CancellationToken.None);

        Assert.Equal(["2.25.11", "2.25.10"], due.Select(r => r.TransactionUid));
        Assert.Equal("2.25.11", Assert.Single(first).TransactionUid);
    }

    [Fact]
    public async Task GivenTwoReportersListingTheSameDueRequest_WhenBothClaimIt_ThenOnlyTheFirstWinsAndItIsNoLongerDue()
    {
        var repository = await CreateRepositoryAsync();
        await repository.TryAddAsync(Record("2.25.20", T0), CancellationToken.None);
        var listed = Assert.Single(await repository.ListDueAsync(T0.AddSeconds(1), 10, CancellationToken.None));

        var first = await repository.TryClaimAsync("2.25.20", listed.NextAttemptAt, T0.AddMinutes(2), CancellationToken.None);
        var second = await repository.TryClaimAsync("2.25.20", listed.NextAttemptAt, T0.AddMinutes(3), CancellationToken.None);

        Assert.True(first);
        Assert.False(second);
        Assert.Empty(await repository.ListDueAsync(T0.AddMinutes(1), 10, CancellationToken.None));
        AssertSame(listed with { NextAttemptAt = T0.AddMinutes(2) }, await repository.FindAsync("2.25.20", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAReportedOrUnknownRequest_WhenClaimed_ThenTheClaimIsRefused()
    {
        var repository = await CreateRepositoryAsync();
        await repository.TryAddAsync(Record("2.25.21", T0), CancellationToken.None);
        await repository.UpdateAsync(Record("2.25.21", T0) with { State = StorageCommitmentState.Reported }, CancellationToken.None);

        Assert.False(await repository.TryClaimAsync("2.25.21", T0, T0.AddMinutes(2), CancellationToken.None));
        Assert.False(await repository.TryClaimAsync("2.25.404", T0, T0.AddMinutes(2), CancellationToken.None));
        Assert.Equal(StorageCommitmentState.Reported, (await repository.FindAsync("2.25.21", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task GivenAnUnknownRequest_WhenUpdated_ThenItThrows()
    {
        var repository = await CreateRepositoryAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => repository.UpdateAsync(Record("2.25.99", T0), CancellationToken.None));
    }

    private sealed class RecordWithoutItems : IEqualityComparer<StorageCommitmentRecord>
    {
        public bool Equals(StorageCommitmentRecord? x, StorageCommitmentRecord? y) =>
            x is not null && y is not null && x.TransactionUid == y.TransactionUid && x.CallingAeTitle == y.CallingAeTitle &&
            x.CalledAeTitle == y.CalledAeTitle && x.AssociationId == y.AssociationId && x.RequestedAt == y.RequestedAt &&
            x.State == y.State && x.NextAttemptAt == y.NextAttemptAt && x.Attempts == y.Attempts && x.ReportedAt == y.ReportedAt &&
            x.ReportedVia == y.ReportedVia && x.LastError == y.LastError;

        public int GetHashCode(StorageCommitmentRecord obj) => obj.TransactionUid.GetHashCode(StringComparison.Ordinal);
    }
}
