using FluentValidation;

namespace ImagingGateway.Application.Commitments.ListDueCommitments;

public sealed class ListDueCommitmentsValidator : AbstractValidator<ListDueCommitmentsQuery>
{
    public ListDueCommitmentsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
    }
}
