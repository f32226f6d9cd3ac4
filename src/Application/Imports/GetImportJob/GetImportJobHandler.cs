using ImagingGateway.Application.Common.Ports;
using Mediator;

namespace ImagingGateway.Application.Imports.GetImportJob;

public sealed class GetImportJobHandler(IImportJobRepository jobs) : IQueryHandler<GetImportJobQuery, ImportJobDto?>
{
    public async ValueTask<ImportJobDto?> Handle(GetImportJobQuery query, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(query.JobId, cancellationToken);
        return job is null ? null : ImportJobDto.From(job);
    }
}
