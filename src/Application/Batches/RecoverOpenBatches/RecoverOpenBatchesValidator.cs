using FluentValidation;

namespace ImagingGateway.Application.Batches.RecoverOpenBatches;

public sealed class RecoverOpenBatchesValidator : AbstractValidator<RecoverOpenBatchesCommand>
{
    public const int MaxLookbackDays = 366;

    public RecoverOpenBatchesValidator()
    {
        RuleFor(c => c.LookbackDays).InclusiveBetween(0, MaxLookbackDays).When(c => c.LookbackDays is not null);
        RuleFor(c => c.QuietPeriod).GreaterThanOrEqualTo(TimeSpan.Zero).When(c => c.QuietPeriod is not null);
    }
}
