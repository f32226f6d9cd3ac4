using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Commitments.ClaimCommitment;

public sealed class ClaimCommitmentValidator : AbstractValidator<ClaimCommitmentCommand>
{
    public ClaimCommitmentValidator()
    {
        RuleFor(c => c.TransactionUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Transaction UID");
    }
}
