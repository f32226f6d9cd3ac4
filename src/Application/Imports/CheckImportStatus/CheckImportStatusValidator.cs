using FluentValidation;

namespace ImagingGateway.Application.Imports.CheckImportStatus;

public sealed class CheckImportStatusValidator : AbstractValidator<CheckImportStatusCommand>
{
    public CheckImportStatusValidator()
    {
        RuleFor(c => c.State).NotNull().SetValidator(new ImportStateRules());
        RuleFor(c => c.State.JobId)
            .NotEmpty()
            .When(c => c.State is not null && c.State.Error is null)
            .WithMessage("is required to check a job's status (only a workflow error may come without one)");
    }
}
