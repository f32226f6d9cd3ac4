using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.CheckStatus;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.CheckStatus.CheckStatusFunction::HandleAsync</c>.
/// Input: the <c>ImportState</c> (with <c>error</c> when the workflow's Catch sends it); output: the state with
/// <c>jobStatus</c>, <c>isComplete</c> and <c>message</c>. A changed <c>jobStatus</c> is also written as a metric line.
/// </summary>
public sealed class CheckStatusFunction(IServiceProvider services)
{
    private readonly ISender _sender = services.GetRequiredService<ISender>();
    private readonly JobStatusMetrics _metrics = services.GetRequiredService<JobStatusMetrics>();

    public CheckStatusFunction()
        : this(LambdaHost.Shared)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var state = await StateJson.ReadAsync(input, "CheckStatus");
        var output = await _sender.Send(new CheckImportStatusCommand(state));
        _metrics.RecordChange(state.JobStatus, output.JobStatus);
        return StateJson.Write(output);
    }
}
