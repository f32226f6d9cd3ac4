using FluentValidation;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Imports.TriggerImport;

public sealed class TriggerImportValidator : AbstractValidator<TriggerImportCommand>
{
    public TriggerImportValidator()
    {
        RuleFor(c => c.ManifestKey)
            .NotEmpty()
            .Must(key => ObjectKeys.TryParseManifest(key, out _))
            .WithMessage("'{PropertyValue}' is not a batch manifest key (batches/{batchId}.json)");
    }
}
