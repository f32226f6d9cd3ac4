using FluentValidation;

namespace ImagingGateway.Application.Batches.RecoverOpenBatches;

public sealed class RecoverOpenBatchesValidator : AbstractValidator<RecoverOpenBatchesCommand>
{
    public RecoverOpenBatchesValidator()
    {
        RuleFor(c => c.QuietPeriod).GreaterThanOrEqualTo(TimeSpan.Zero).When(c => c.QuietPeriod is not null);
    }
}
