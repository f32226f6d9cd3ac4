using System.Threading.Channels;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The in-process queue the file system store publishes object-created events to, and the local workflow
/// dispatcher reads from. Like S3's notifications it is at-least-once in spirit: events are not persisted, so the
/// dispatcher re-derives missed ones from the objects themselves at start-up.
/// </summary>
public sealed class ObjectCreatedNotifications
{
    private readonly Channel<ObjectCreatedEvent> _channel = Channel.CreateUnbounded<ObjectCreatedEvent>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    public ChannelReader<ObjectCreatedEvent> Reader => _channel.Reader;

    public void Publish(ObjectCreatedEvent created) => _channel.Writer.TryWrite(created);

    public void Complete() => _channel.Writer.TryComplete();
}
