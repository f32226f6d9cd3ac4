using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using Mediator;

namespace ImagingGateway.Application.Instances.ListInstances;

/// <summary>
/// The index is optional for a host (the Lambda functions have none, they never receive instances); without one this
/// query cannot be answered.
/// </summary>
public sealed class ListInstancesHandler(IInstanceStore store, BatchJobFinder jobs, IReceivedInstanceIndex? index = null)
    : IQueryHandler<ListInstancesQuery, InstanceList>
{
    public async ValueTask<InstanceList> Handle(ListInstancesQuery query, CancellationToken cancellationToken)
    {
        var records = await ReceivedInstanceIndexes.Required(index).ListByStudyAsync(query.StudyInstanceUid!, query.Limit, cancellationToken);

        // One job lookup per batch, not per instance.
        var jobsByBatch = new Dictionary<string, ImportJob?>(StringComparer.Ordinal);
        var items = new List<InstanceDto>(records.Count);
        foreach (var record in records)
        {
            if (!jobsByBatch.TryGetValue(record.BatchId, out var job))
            {
                jobsByBatch[record.BatchId] = job = await jobs.FindAsync(record, cancellationToken);
            }

            items.Add(InstanceDto.From(record, store.LocationOf(record.ObjectKey), job));
        }

        return new InstanceList(items);
    }
}
