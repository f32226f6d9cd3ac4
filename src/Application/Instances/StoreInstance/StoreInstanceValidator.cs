using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Instances.StoreInstance;

public sealed class StoreInstanceValidator : AbstractValidator<StoreInstanceCommand>
{
    public StoreInstanceValidator()
    {
        RuleFor(c => c.AssociationId).NotEmpty().MaximumLength(128);
        RuleFor(c => c.CallingAeTitle).Must(AeTitle.IsValid).WithMessage(c => $"is not a valid AE title: {AeTitle.Validate(c.CallingAeTitle)}");
        RuleFor(c => c.CalledAeTitle).Must(AeTitle.IsValid).WithMessage(c => $"is not a valid AE title: {AeTitle.Validate(c.CalledAeTitle)}");
        RuleFor(c => c.SopClassUid).Must(DicomUid.IsValid).WithMessage(c => $"is not a valid UID: {DicomUid.Validate(c.SopClassUid)}");
        RuleFor(c => c.SopInstanceUid).Must(DicomUid.IsValid).WithMessage(c => $"is not a valid UID: {DicomUid.Validate(c.SopInstanceUid)}");
        RuleFor(c => c.TransferSyntaxUid).Must(DicomUid.IsValid).WithMessage(c => $"is not a valid UID: {DicomUid.Validate(c.TransferSyntaxUid)}");
    }
}
