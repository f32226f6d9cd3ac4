using FluentValidation;

namespace ImagingGateway.Application.Batches.CloseAssociationBatches;

public sealed class CloseAssociationBatchesValidator : AbstractValidator<CloseAssociationBatchesCommand>
{
    public CloseAssociationBatchesValidator()
    {
        RuleFor(c => c.AssociationId).NotEmpty().MaximumLength(128);
        RuleFor(c => c.Reason).NotEmpty(); // a long reason is shortened in the manifest, never a reason to keep a batch open
    }
}
