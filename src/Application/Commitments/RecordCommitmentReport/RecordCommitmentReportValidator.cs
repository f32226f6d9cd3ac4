using FluentValidation;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Commitments.RecordCommitmentReport;

public sealed class RecordCommitmentReportValidator : AbstractValidator<RecordCommitmentReportCommand>
{
    public RecordCommitmentReportValidator()
    {
        RuleFor(c => c.TransactionUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Transaction UID");
        RuleFor(c => c.Via).NotEmpty().When(c => c.Delivered);
        RuleFor(c => c.Error).NotEmpty().When(c => !c.Delivered);
    }
}
