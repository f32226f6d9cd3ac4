using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.CheckStatus;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.CheckStatus.CheckStatusFunction::HandleAsync</c>.
/// Input: the <c>ImportState</c> (with <c>error</c> when the workflow's Catch sends it); output: the state with
/// <c>jobStatus</c>, <c>isComplete</c> and <c>message</c>.
/// </summary>
public sealed class CheckStatusFunction(IServiceProvider services)
{
    private readonly ISender _sender = services.GetRequiredService<ISender>();

    public CheckStatusFunction()
        : this(LambdaHost.Shared)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var state = await StateJson.ReadAsync(input, "CheckStatus");
        return StateJson.Write(await _sender.Send(new CheckImportStatusCommand(state)));
    }
}
