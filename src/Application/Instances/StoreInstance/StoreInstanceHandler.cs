using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Dicom;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DomainUid = ImagingGateway.Domain.Dicom.DicomUid;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// Opens the store session of one C-STORE: a place in the association's batch and an upload under the instance's
/// key, ready for the data set's segments. When batches are grouped by study, both wait for the data set's header.
/// </summary>
public sealed class StoreInstanceHandler(
    OpenBatchRegistry registry,
    BatchCloser closer,
    IInstanceStore store,
    OpenBatchMarkers markers,
    TimeProvider time,
    IOptions<ReceiveOptions> receiveOptions,
    ILogger<StoreInstanceSession> logger) : ICommandHandler<StoreInstanceCommand, StoreInstanceSession>
{
    public async ValueTask<StoreInstanceSession> Handle(StoreInstanceCommand command, CancellationToken cancellationToken)
    {
        var calling = AeTitle.Parse(command.CallingAeTitle, nameof(command.CallingAeTitle));
        var called = AeTitle.Parse(command.CalledAeTitle, nameof(command.CalledAeTitle));
        var sopInstanceUid = DomainUid.Parse(command.SopInstanceUid, nameof(command.SopInstanceUid));
        var reservation = registry.GroupsByStudy ? null : registry.Reserve(command.AssociationId, calling, called);
        var session = new StoreInstanceSession(
            command, calling, called, sopInstanceUid, reservation,
            registry, closer, store, markers, time, receiveOptions.Value.MaxInflatedDataSetBytes, logger);
        if (reservation is null)
        {
            return session;
        }

        try
        {
            await session.OpenAsync(cancellationToken);
        }
        catch
        {
            await session.AbortAsync();
            throw;
        }

        return session;
    }
}
