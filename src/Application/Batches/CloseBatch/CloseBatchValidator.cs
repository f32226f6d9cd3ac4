using FluentValidation;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Batches.CloseBatch;

public sealed class CloseBatchValidator : AbstractValidator<CloseBatchCommand>
{
    public CloseBatchValidator()
    {
        RuleFor(c => c.BatchId)
            .Must(id => BatchId.TryParse(id, out _))
            .WithMessage("'{PropertyValue}' is not a batch id (26 characters of Crockford base 32)");
        RuleFor(c => c.Reason).NotEmpty(); // a long reason is shortened in the manifest, never a reason to keep a batch open
    }
}
