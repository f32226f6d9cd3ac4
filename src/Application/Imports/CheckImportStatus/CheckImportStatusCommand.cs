using ImagingGateway.Application.Common.Contracts;
using Mediator;

namespace ImagingGateway.Application.Imports.CheckImportStatus;

/// <summary>
/// The workflow's CheckStatus state: polls the import job and records its status. With <see cref="ImportState.Error"/>
/// set (the workflow's Catch) it records the job FAILED with that error instead.
/// </summary>
public sealed record CheckImportStatusCommand(ImportState State) : ICommand<ImportState>;
