using FluentValidation;

namespace ImagingGateway.Application.Imports.RetryImportJob;

public sealed class RetryImportJobValidator : AbstractValidator<RetryImportJobCommand>
{
    public RetryImportJobValidator()
    {
        RuleFor(c => c.JobId).NotEmpty().MaximumLength(256);
    }
}
