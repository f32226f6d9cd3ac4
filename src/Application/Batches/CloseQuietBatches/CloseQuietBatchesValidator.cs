using FluentValidation;

namespace ImagingGateway.Application.Batches.CloseQuietBatches;

/// <summary>The command has no field to refuse; the validator exists so that every request has one.</summary>
public sealed class CloseQuietBatchesValidator : AbstractValidator<CloseQuietBatchesCommand>
{
}
