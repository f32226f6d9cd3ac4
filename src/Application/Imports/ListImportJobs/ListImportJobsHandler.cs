using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using Mediator;

namespace ImagingGateway.Application.Imports.ListImportJobs;

public sealed class ListImportJobsHandler(IImportJobRepository jobs) : IQueryHandler<ListImportJobsQuery, ImportJobList>
{
    public async ValueTask<ImportJobList> Handle(ListImportJobsQuery query, CancellationToken cancellationToken)
    {
        var request = new PageRequest(query.Limit, query.ContinuationToken);
        ImportJobStatus? status = query.Status is null ? null : ImportJobStatusNames.Parse(query.Status);
        Page<ImportJob> page;
        if (query.StudyInstanceUid is not null)
        {
            // A study has few jobs: filter its page by status here (a page may then hold fewer than the limit).
            page = await jobs.ListByStudyAsync(query.StudyInstanceUid, request, cancellationToken);
            if (status is { } wanted)
            {
                page = page with { Items = [.. page.Items.Where(j => j.Status == wanted)] };
            }
        }
        else if (status is { } wanted)
        {
            page = await jobs.ListByStatusAsync(wanted, request, cancellationToken);
        }
        else
        {
            page = await jobs.ListAsync(request, cancellationToken);
        }

        return new ImportJobList([.. page.Items.Select(ImportJobDto.From)], page.ContinuationToken);
    }
}
