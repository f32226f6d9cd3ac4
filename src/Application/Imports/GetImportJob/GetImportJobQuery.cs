using Mediator;

namespace ImagingGateway.Application.Imports.GetImportJob;

/// <summary>One job by its id; null when there is no such job.</summary>
public sealed record GetImportJobQuery(string JobId) : IQuery<ImportJobDto?>;
