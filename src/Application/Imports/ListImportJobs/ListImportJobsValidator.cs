using FluentValidation;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Imports.ListImportJobs;

public sealed class ListImportJobsValidator : AbstractValidator<ListImportJobsQuery>
{
    public const int MaxLimit = 1000;

    public ListImportJobsValidator()
    {
        RuleFor(q => q.Status)
            .Must(s => s is null || ImportJobStatusNames.TryParse(s, out _))
            .WithMessage("'{PropertyValue}' is not one of SUBMITTED, IN_PROGRESS, COMPLETED, FAILED");
        RuleFor(q => q.StudyInstanceUid)
            .Must(u => u is null || DicomUid.IsValid(u))
            .WithMessage(q => $"is not a valid UID: {DicomUid.Validate(q.StudyInstanceUid)}");
        RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit);
        RuleFor(q => q.ContinuationToken).MaximumLength(4096);
    }
}
