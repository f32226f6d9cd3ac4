using FluentValidation;
using ImagingGateway.Application.Common.Exceptions;
using Mediator;

namespace ImagingGateway.Application.Common.Behaviors;

/// <summary>
/// Second in the pipeline: runs every FluentValidation validator of the request and throws
/// <see cref="RequestValidationException"/> with all failures, each naming its field, before the handler runs.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length > 0)
        {
            var context = new ValidationContext<TMessage>(message);
            var failures = new List<RequestValidationFailure>();
            foreach (var validator in _validators)
            {
                var result = await validator.ValidateAsync(context, cancellationToken);
                failures.AddRange(result.Errors.Select(e => new RequestValidationFailure(e.PropertyName, e.ErrorMessage)));
            }

            if (failures.Count > 0)
            {
                throw new RequestValidationException(typeof(TMessage).Name, failures);
            }
        }

        return await next(message, cancellationToken);
    }
}
