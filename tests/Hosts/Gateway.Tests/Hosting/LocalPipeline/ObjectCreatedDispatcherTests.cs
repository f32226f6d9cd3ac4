using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Gateway.Hosting.LocalPipeline;
using ImagingGateway.Infrastructure.Local.FileSystem;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace ImagingGateway.Gateway.Tests.Hosting.LocalPipeline;

public class ObjectCreatedDispatcherTests
{
    private const string ManifestKey = "batches/01JDQ5ZJ3K8X9F7N2B4C6D8E0G.json";
    private readonly ObjectCreatedNotifications _notifications = new();
    private readonly Mock<IInstanceStore> _store = new();
    private readonly Mock<ISender> _sender = new();

    [Theory]
    [InlineData("dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.3.dcm")]
    [InlineData("batches/not-a-batch.json")]
    [InlineData("batches/01JDQ5ZJ3K8X9F7N2B4C6D8E0G.txt")]
    public async Task GivenKeyThatIsNotAManifest_WhenDispatched_ThenNothingIsTriggered(string key)
    {
        Assert.False(await Dispatcher().DispatchAsync(key, default));
        _sender.Verify(s => s.Send(It.IsAny<TriggerImportCommand>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GivenTriggerThatFailsOnce_WhenAManifestIsDispatched_ThenItIsRetriedUntilItIsTriggered()
    {
        var calls = 0;
        _sender.Setup(s => s.Send(It.IsAny<TriggerImportCommand>(), It.IsAny<CancellationToken>()))
            .Returns((TriggerImportCommand c, CancellationToken _) => ++calls == 1
                ? ValueTask.FromException<TriggerImportResult>(new IOException("database is locked"))
                : ValueTask.FromResult(Result(c)));

        Assert.True(await Dispatcher().DispatchAsync(ManifestKey, default));
        Assert.Equal(2, calls);
        _sender.Verify(s => s.Send(It.Is<TriggerImportCommand>(c => c.ManifestKey == ManifestKey), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GivenRunningDispatcher_WhenTheStorePublishesAManifestEvent_ThenTriggerImportIsSentForIt()
    {
        var sent = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sender.Setup(s => s.Send(It.IsAny<TriggerImportCommand>(), It.IsAny<CancellationToken>()))
            .Returns((TriggerImportCommand c, CancellationToken _) =>
            {
                sent.TrySetResult(c.ManifestKey);
                return ValueTask.FromResult(Result(c));
            });
        using var dispatcher = Dispatcher();
        await dispatcher.StartAsync(default);

        _notifications.Publish(new ObjectCreatedEvent(ManifestKey, 10, null, DateTimeOffset.UtcNow));

        Assert.Equal(ManifestKey, await sent.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await dispatcher.StopAsync(default);
    }

    private static TriggerImportResult Result(TriggerImportCommand c) => new(
        "01JDQ5ZJ3K8X9F7N2B4C6D8E0G", "exec", false,
        new ImportState { BatchId = "01JDQ5ZJ3K8X9F7N2B4C6D8E0G", InputS3Uri = "file:///in/", OutputS3Uri = "file:///out/" });

    private ObjectCreatedDispatcher Dispatcher() =>
        new(_notifications, _store.Object, _sender.Object, inProcessWorkflow: null, NullLogger<ObjectCreatedDispatcher>.Instance);
}
