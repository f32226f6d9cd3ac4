using FluentValidation;

namespace ImagingGateway.Application.Imports.StartImportJob;

public sealed class StartImportJobValidator : AbstractValidator<StartImportJobCommand>
{
    public StartImportJobValidator()
    {
        RuleFor(c => c.State).NotNull().SetValidator(new ImportStateRules());
    }
}
