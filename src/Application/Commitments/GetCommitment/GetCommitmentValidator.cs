using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Commitments.GetCommitment;

public sealed class GetCommitmentValidator : AbstractValidator<GetCommitmentQuery>
{
    public GetCommitmentValidator()
    {
        RuleFor(q => q.TransactionUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Transaction UID");
    }
}
