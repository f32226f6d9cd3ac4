using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.ClaimCommitment;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests.Commitments.ListDueCommitments;

/// <summary>
/// The takeover delay (issue #26): a due request is worked by the Gateway task that answered its N-ACTION, which may
/// hold the requester's association; another task takes it only once it has been due for TakeoverDelay.
/// </summary>
public sealed class ListDueCommitmentsHandlerTests
{
    private const string TransactionUid = "2.25.500";
    private static readonly IReadOnlySet<string> Answered = new HashSet<string>(StringComparer.Ordinal) { TransactionUid };

    /// <summary>Both tasks with a 1-minute takeover delay and <paramref name="configure"/>; task A answers the N-ACTION.</summary>
    private static async Task RequestAsync(TestHost a, TestHost b, Action<StorageCommitmentOptions>? configure = null)
    {
        foreach (var task in new[] { a, b })
        {
            var options = task.Get<IOptions<StorageCommitmentOptions>>().Value;
            options.TakeoverDelay = TimeSpan.FromMinutes(1);
            configure?.Invoke(options);
        }

        Seed.StoreOne(a, "assoc-1", 1);
        await a.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "released"));
        await a.Mediator.Send(new RequestCommitmentCommand(TransactionUid, "MODALITY1", "IMAGINGGW", "assoc-c",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))]));
    }

    private static async Task<IReadOnlyList<string>> ListAsync(TestHost task, IReadOnlySet<string>? answeredHere = null) =>
        [.. (await task.Mediator.Send(new ListDueCommitmentsQuery(10, answeredHere))).Select(d => d.TransactionUid)];

    [Fact]
    public async Task GivenARequestAnotherTaskAnswered_WhenItIsDue_ThenThatTaskListsItAtOnceAndThisOneOnlyAfterTheTakeoverDelay()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a, b);

        var byA = await ListAsync(a, Answered);
        var byB = await ListAsync(b);
        a.Time.Advance(TimeSpan.FromSeconds(59));
        var byBJustBefore = await ListAsync(b);
        a.Time.Advance(TimeSpan.FromSeconds(1));
        var byBAfter = await ListAsync(b);

        Assert.Equal([TransactionUid], byA);
        Assert.Empty(byB);
        Assert.Empty(byBJustBefore);
        Assert.Equal([TransactionUid], byBAfter);
    }

    [Fact]
    public async Task GivenTheAnsweringTaskDecidingAnImportThatStillRuns_WhenAnotherTaskLooksMeanwhile_ThenItTakesItOverOnlyOnceThatTaskStops()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a, b, o => o.Policy = StorageCommitmentPolicy.Imported);

        var seenByB = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            var due = Assert.Single(await a.Mediator.Send(new ListDueCommitmentsQuery(10, Answered)));
            Assert.True(await a.Mediator.Send(new ClaimCommitmentCommand(due.TransactionUid, due.NextAttemptAt)));
            Assert.Null((await a.Mediator.Send(new DecideCommitmentCommand(TransactionUid))).Report);
            seenByB.AddRange(await ListAsync(b));
            a.Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Empty(seenByB);
        a.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await ListAsync(b));
        a.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([TransactionUid], await ListAsync(b));
    }

    [Fact]
    public async Task GivenAReportDelayLongerThanTheTakeoverDelay_WhenItEnds_ThenTheAnsweringTaskStillHasTheTakeoverDelayToItself()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a, b, o => o.ReportDelay = TimeSpan.FromMinutes(5));

        a.Time.Advance(TimeSpan.FromMinutes(5));
        var byA = await ListAsync(a, Answered);
        var byB = await ListAsync(b);
        a.Time.Advance(TimeSpan.FromMinutes(1));
        var byBLater = await ListAsync(b);

        Assert.Equal([TransactionUid], byA);
        Assert.Empty(byB);
        Assert.Equal([TransactionUid], byBLater);
    }
}
