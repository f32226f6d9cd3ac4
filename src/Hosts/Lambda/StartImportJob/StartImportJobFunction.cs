using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.StartImportJob;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.StartImportJob.StartImportJobFunction::HandleAsync</c>.
/// Input and output: the <c>ImportState</c>; the output has <c>jobId</c> and <c>jobStatus</c>.
/// </summary>
public sealed class StartImportJobFunction(IServiceProvider services)
{
    private readonly ISender _sender = services.GetRequiredService<ISender>();

    public StartImportJobFunction()
        : this(LambdaHost.Shared)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var state = await StateJson.ReadAsync(input, "StartImportJob");
        try
        {
            return StateJson.Write(await _sender.Send(new StartImportJobCommand(state)));
        }
        catch (ImagingQuotaExceededException e)
        {
            throw new ServiceQuotaExceededException(e.Message, e);
        }
    }
}
