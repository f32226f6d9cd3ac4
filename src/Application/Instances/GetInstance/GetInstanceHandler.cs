using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Instances.GetInstance;

/// <summary>
/// The index is optional for a host (the Lambda functions have none, they never receive instances); without one this
/// query cannot be answered.
/// </summary>
public sealed class GetInstanceHandler(IInstanceStore store, BatchJobFinder jobs, IReceivedInstanceIndex? index = null)
    : IQueryHandler<GetInstanceQuery, InstanceDto?>
{
    public async ValueTask<InstanceDto?> Handle(GetInstanceQuery query, CancellationToken cancellationToken)
    {
        var record = await ReceivedInstanceIndexes.Required(index).FindAsync(query.SopInstanceUid, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var job = await jobs.FindAsync(record, cancellationToken);
        return InstanceDto.From(record, store.LocationOf(record.ObjectKey), job);
    }
}
