using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// Finds the import job of a received instance's batch through <see cref="IImportJobRepository"/>. A job records the
/// batch id and the study of the batch's first valid instance, and the job table is indexed by study (DynamoDB's
/// <c>byStudy</c>), so the jobs of that study (usually the instance's own) are searched for the batch id, a bounded
/// number of pages at most.
/// </summary>
public sealed class BatchJobFinder(IImportJobRepository jobs)
{
    public const int PageSize = 100;
    public const int MaxPages = 10;

    public Task<ImportJob?> FindAsync(ReceivedInstanceRecord record, CancellationToken cancellationToken)
    {
        string[] studies = record.BatchStudyInstanceUid == record.StudyInstanceUid || string.IsNullOrEmpty(record.BatchStudyInstanceUid)
            ? [record.StudyInstanceUid]
            : [record.BatchStudyInstanceUid, record.StudyInstanceUid];
        return FindAsync(record.BatchId, studies, cancellationToken);
    }

    /// <summary>
    /// The job of <paramref name="batchId"/>: the record of a batch whose import never started (kept under the batch
    /// id), or the job found among those of the batch's study.
    /// </summary>
    public async Task<ImportJob?> FindAsync(string batchId, string? studyInstanceUid, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(batchId, cancellationToken) is { } unstarted)
        {
            return unstarted;
        }

        return string.IsNullOrEmpty(studyInstanceUid) ? null : await FindAsync(batchId, [studyInstanceUid], cancellationToken);
    }

    private async Task<ImportJob?> FindAsync(string batchId, string[] studies, CancellationToken cancellationToken)
    {
        foreach (var study in studies)
        {
            string? token = null;
            for (var page = 0; page < MaxPages; page++)
            {
                var result = await jobs.ListByStudyAsync(study, new PageRequest(PageSize, token), cancellationToken);
                if (result.Items.FirstOrDefault(j => j.Snapshot.BatchId == batchId) is { } job)
                {
                    return job;
                }

                token = result.ContinuationToken;
                if (token is null)
                {
                    break;
                }
            }
        }

        return null;
    }
}
