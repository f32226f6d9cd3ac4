using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Commitments.DecideCommitment;

public sealed class DecideCommitmentValidator : AbstractValidator<DecideCommitmentCommand>
{
    public DecideCommitmentValidator()
    {
        RuleFor(c => c.TransactionUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Transaction UID");
    }
}
