using FluentValidation;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Imports;

/// <summary>The shape every <see cref="ImportState"/> handed to a workflow step must have.</summary>
public sealed class ImportStateRules : AbstractValidator<ImportState>
{
    public ImportStateRules()
    {
        RuleFor(s => s.BatchId)
            .Must(id => BatchId.TryParse(id, out _))
            .WithMessage("'{PropertyValue}' is not a batch id (26 characters of Crockford base 32)");
        RuleFor(s => s.InputS3Uri)
            .NotEmpty()
            .Must(u => u.EndsWith('/')).WithMessage("must end with '/' so that one batch's prefix never matches another");
        RuleFor(s => s.OutputS3Uri)
            .NotEmpty()
            .Must(u => u.EndsWith('/')).WithMessage("must end with '/'");
        RuleFor(s => s.StudyInstanceUid).Must(u => u is null || DicomUid.IsValid(u)).WithMessage(u => $"is not a valid UID: {DicomUid.Validate(u.StudyInstanceUid)}");
        RuleFor(s => s.SeriesInstanceUid).Must(u => u is null || DicomUid.IsValid(u)).WithMessage(u => $"is not a valid UID: {DicomUid.Validate(u.SeriesInstanceUid)}");
        RuleFor(s => s.SopInstanceUid).Must(u => u is null || DicomUid.IsValid(u)).WithMessage(u => $"is not a valid UID: {DicomUid.Validate(u.SopInstanceUid)}");
        RuleFor(s => s.InstanceCount).GreaterThanOrEqualTo(0);
        RuleFor(s => s.TotalBytes).GreaterThanOrEqualTo(0);
        RuleFor(s => s.RetryOf).NotEmpty().MaximumLength(256).When(s => s.RetryOf is not null);
    }
}
