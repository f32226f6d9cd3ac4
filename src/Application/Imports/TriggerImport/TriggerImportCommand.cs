using ImagingGateway.Application.Common.Contracts;
using Mediator;

namespace ImagingGateway.Application.Imports.TriggerImport;

/// <summary>
/// A batch manifest was created (the S3 object-created event, or the local queue): check the batch and start its
/// import workflow, named by the batch id.
/// </summary>
public sealed record TriggerImportCommand(string ManifestKey) : ICommand<TriggerImportResult>;

public sealed record TriggerImportResult(string BatchId, string ExecutionId, bool AlreadyStarted, ImportState Input);
