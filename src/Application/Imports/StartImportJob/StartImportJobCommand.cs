using ImagingGateway.Application.Common.Contracts;
using Mediator;

namespace ImagingGateway.Application.Imports.StartImportJob;

/// <summary>The workflow's StartImportJob state: starts the HealthImaging import and records the job.</summary>
public sealed record StartImportJobCommand(ImportState State) : ICommand<ImportState>;
