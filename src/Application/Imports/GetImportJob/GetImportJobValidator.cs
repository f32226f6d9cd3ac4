using FluentValidation;

namespace ImagingGateway.Application.Imports.GetImportJob;

public sealed class GetImportJobValidator : AbstractValidator<GetImportJobQuery>
{
    public GetImportJobValidator()
    {
        RuleFor(q => q.JobId).NotEmpty().MaximumLength(256);
    }
}
