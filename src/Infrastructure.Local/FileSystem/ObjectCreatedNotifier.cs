using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The local S3 event rule: an object committed under <paramref name="prefix"/> is published to
/// <paramref name="queue"/> as an <see cref="ObjectCreatedEvent"/>; other objects, and every object when there is no
/// queue, raise nothing.
/// </summary>
internal sealed class ObjectCreatedNotifier(ObjectCreatedNotifications? queue, string prefix)
{
    public void Notify(StoredObjectInfo committed)
    {
        if (queue is not null && committed.Key.StartsWith(prefix, StringComparison.Ordinal))
        {
            queue.Publish(new ObjectCreatedEvent(committed.Key, committed.Size, committed.Checksum, committed.LastModified));
        }
    }
}
