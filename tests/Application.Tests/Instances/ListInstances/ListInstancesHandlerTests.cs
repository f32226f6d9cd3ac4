using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Instances.ListInstances;
using ImagingGateway.Application.Tests.Instances.GetInstance;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.Instances.ListInstances;

public sealed class ListInstancesHandlerTests
{
    private const string OtherStudy = "1.2.826.0.1.3680043.8.498.2";

    [Fact]
    public async Task GivenInstancesOfTwoStudies_WhenListedByStudy_ThenOnlyThatStudysAreReturnedOldestFirstWithTheirJob()
    {
        await using var host = new TestHost();
        var batch = GetInstanceHandlerTests.StoreTwo(host, "a1");
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var third = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(third, Seed.Instance(host, batch, 3) with { StudyInstanceUid = DicomUid.Parse(OtherStudy) });
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));
        GetInstanceHandlerTests.AddJob(host, "job-1", batch.Id.Value, Seed.StudyUid, ImportJobStatus.Completed, minute: 1);

        var list = await host.Mediator.Send(new ListInstancesQuery(Seed.StudyUid));
        var other = await host.Mediator.Send(new ListInstancesQuery(OtherStudy));

        Assert.Equal([Seed.SopUid(1), Seed.SopUid(2)], list.Instances.Select(i => i.SopInstanceUid));
        Assert.All(list.Instances, i => Assert.Equal("job-1", i.JobId));
        Assert.Equal([Seed.SopUid(3)], other.Instances.Select(i => i.SopInstanceUid));
        Assert.Equal("job-1", other.Instances[0].JobId);
    }

    [Fact]
    public async Task GivenMoreInstancesThanTheLimit_WhenListed_ThenOnlyTheLimitIsReturned()
    {
        await using var host = new TestHost();
        var batch = GetInstanceHandlerTests.StoreTwo(host, "a1");
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));

        var list = await host.Mediator.Send(new ListInstancesQuery(Seed.StudyUid, Limit: 1));

        Assert.Equal([Seed.SopUid(1)], list.Instances.Select(i => i.SopInstanceUid));
    }

    [Theory]
    [InlineData(null, 10, "StudyInstanceUid")]
    [InlineData("1.02.3", 10, "StudyInstanceUid")]
    [InlineData("1.2.3", 0, "Limit")]
    [InlineData("1.2.3", 1001, "Limit")]
    public async Task GivenABadFilter_WhenListed_ThenValidationNamesTheField(string? study, int limit, string field)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new ListInstancesQuery(study, limit)));

        Assert.Equal(field, Assert.Single(ex.Failures).Field);
    }
}
