using Mediator;

namespace ImagingGateway.Application.Imports.RetryImportJob;

/// <summary>
/// <c>jobs retry JOBID</c>: re-drives an ended import job by writing a new batch manifest that links back to it. The
/// manifest's object-created event starts the import through the normal pipeline (TriggerImport, then the workflow).
/// </summary>
public sealed record RetryImportJobCommand(string JobId) : ICommand<RetryImportJobResult>;
