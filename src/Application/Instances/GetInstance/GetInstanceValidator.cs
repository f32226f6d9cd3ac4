using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Instances.GetInstance;

public sealed class GetInstanceValidator : AbstractValidator<GetInstanceQuery>
{
    public GetInstanceValidator()
    {
        RuleFor(q => q.SopInstanceUid)
            .Must(DicomUid.IsValid)
            .WithMessage(q => $"is not a valid UID: {DicomUid.Validate(q.SopInstanceUid)}");
    }
}
