using System.Collections.Concurrent;
using System.Text.Json;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Instances.StoreInstance;

namespace ImagingGateway.Application.Tests.Instances.StoreInstance;

public sealed class ConcurrentStoreTests
{
    [Fact]
    public async Task GivenManyAssociationsStoringAtOnce_WhenAllEnd_ThenEveryAcknowledgedInstanceIsInExactlyOneManifest()
    {
        await using var host = new TestHost(maxFiles: 4);
        const int associations = 8;
        const int perAssociation = 10;
        var acknowledged = new ConcurrentBag<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await Parallel.ForAsync(0, associations, timeout.Token, async (a, ct) =>
        {
            var association = $"assoc-{a}";
            // Each association sends with up to 3 operations in flight, as an SCU with asynchronous operations may.
            await Parallel.ForAsync(0, perAssociation, new ParallelOptions { MaxDegreeOfParallelism = 3, CancellationToken = ct }, async (n, ct2) =>
            {
                var sop = Seed.SopUid((a * 100) + n + 1);
                var bytes = TestDataSet.Instance(sop, pixelBytes: 2048).ExplicitLittle();
                var result = await StoreInstanceHandlerTests.SendAsync(host, StoreInstanceHandlerTests.Command(association, sop), new TrickleStream(bytes, maxRead: 512), ct2);
                Assert.True(result.IsSuccess, result.Detail);
                acknowledged.Add(sop);
            });
            await host.Mediator.Send(new CloseAssociationBatchesCommand(association, "A-RELEASE"), ct);
        });

        var listed = host.Store.Keys.Where(k => k.StartsWith("batches/", StringComparison.Ordinal))
            .Select(k => JsonSerializer.Deserialize(host.Store.Read(k), ApplicationJsonContext.Default.BatchManifest)!)
            .SelectMany(m => m.Instances.Select(i => i.SopInstanceUid))
            .ToList();
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(0, host.Registry.Count);
        Assert.Equal(0, host.Store.OpenUploads);
    }
}
