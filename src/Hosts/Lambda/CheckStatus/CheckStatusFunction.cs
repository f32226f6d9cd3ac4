using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.CheckStatus;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.CheckStatus.CheckStatusFunction::HandleAsync</c>.
/// Input: the <c>ImportState</c> (with <c>error</c> when the workflow's Catch sends it); output: the state with
/// <c>jobStatus</c>, <c>isComplete</c> and <c>message</c>. A changed <c>jobStatus</c> is also written as a metric line.
/// Composes HealthImaging (with S3 reads of its output), the job table and the received-instance index.
/// </summary>
public sealed class CheckStatusFunction(IServiceProvider services)
{
    public const string Name = "CheckStatus";
    public const LambdaPorts Ports = LambdaPorts.Imaging | LambdaPorts.ImportJobs | LambdaPorts.InstanceIndex;
    public static readonly string[] Settings = ["JobTable", "InstanceTable", "DatastoreId", "DataAccessRoleArn"];
    private static readonly Lazy<ServiceProvider> Shared = LambdaHost.FromEnvironment(Name, Ports);

    private readonly ISender _sender = services.GetRequiredService<ISender>();
    private readonly JobStatusMetrics _metrics = services.GetRequiredService<JobStatusMetrics>();

    public CheckStatusFunction()
        : this(Shared.Value)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        LambdaHost.RequireSettings(services, Name, Settings);
        var state = await StateJson.ReadAsync(input, Name);
        var output = await TaskErrors.RunAsync(async () => await _sender.Send(new CheckImportStatusCommand(state)));
        _metrics.RecordChange(state.JobStatus, output.JobStatus);
        return StateJson.Write(output);
    }
}
