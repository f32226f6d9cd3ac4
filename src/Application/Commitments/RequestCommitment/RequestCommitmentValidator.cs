using FluentValidation;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Domain.Dicom;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.RequestCommitment;

public sealed class RequestCommitmentValidator : AbstractValidator<RequestCommitmentCommand>
{
    public RequestCommitmentValidator(IOptions<StorageCommitmentOptions> options)
    {
        RuleFor(c => c.TransactionUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Transaction UID (0008,1195)");
        RuleFor(c => c.CallingAeTitle).Must(AeTitle.IsValid).WithMessage("'{PropertyValue}' is not a valid AE title");
        RuleFor(c => c.CalledAeTitle).Must(AeTitle.IsValid).WithMessage("'{PropertyValue}' is not a valid AE title");
        RuleFor(c => c.AssociationId).NotEmpty();
        RuleFor(c => c.References).NotEmpty()
            .Must(r => r.Count <= options.Value.MaxReferences).WithMessage($"at most {options.Value.MaxReferences} referenced instances per request");
        RuleForEach(c => c.References).ChildRules(r =>
        {
            r.RuleFor(x => x.SopClassUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Referenced SOP Class UID");
            r.RuleFor(x => x.SopInstanceUid).Must(DicomUid.IsValid).WithMessage("'{PropertyValue}' is not a valid Referenced SOP Instance UID");
        });
    }
}
