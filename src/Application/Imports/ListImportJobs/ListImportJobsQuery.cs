using Mediator;

namespace ImagingGateway.Application.Imports.ListImportJobs;

/// <summary>
/// Jobs, newest first: all, those with <see cref="Status"/> (SUBMITTED, IN_PROGRESS, COMPLETED, FAILED), or those of
/// one study (optionally with that status too).
/// </summary>
public sealed record ListImportJobsQuery(string? Status = null, string? StudyInstanceUid = null, int Limit = 100, string? ContinuationToken = null)
    : IQuery<ImportJobList>;
