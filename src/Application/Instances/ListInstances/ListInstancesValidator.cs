using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Instances.ListInstances;

public sealed class ListInstancesValidator : AbstractValidator<ListInstancesQuery>
{
    public const int MaxLimit = 1000;

    public ListInstancesValidator()
    {
        RuleFor(q => q.StudyInstanceUid)
            .Must(DicomUid.IsValid)
            .WithMessage(q => $"is not a valid UID: {DicomUid.Validate(q.StudyInstanceUid)}");
        RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit);
    }
}
