using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Lambda.StartImportJob;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.StartImportJob.StartImportJobFunction::HandleAsync</c>.
/// Input and output: the <c>ImportState</c>; the output has <c>jobId</c> and <c>jobStatus</c>.
/// Composes HealthImaging and the job table; needs <c>GATEWAY__AWS__{JOBTABLE,DATASTOREID,DATAACCESSROLEARN}</c>.
/// </summary>
public sealed class StartImportJobFunction(IServiceProvider services)
{
    public const string Name = "StartImportJob";
    public const LambdaPorts Ports = LambdaPorts.Imaging | LambdaPorts.ImportJobs;
    public static readonly string[] Settings = ["JobTable", "DatastoreId", "DataAccessRoleArn"];
    private static readonly Lazy<Microsoft.Extensions.DependencyInjection.ServiceProvider> Shared = LambdaHost.FromEnvironment(Name, Ports);

    private readonly ISender _sender = services.GetRequiredService<ISender>();
    private readonly JobStatusMetrics _metrics = services.GetRequiredService<JobStatusMetrics>();

    public StartImportJobFunction()
        : this(Shared.Value)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        LambdaHost.RequireSettings(services, Name, Settings);
        var state = await StateJson.ReadAsync(input, Name);
        var output = await TaskErrors.RunAsync(async () => await _sender.Send(new StartImportJobCommand(state)));
        _metrics.RecordChange(state.JobStatus, output.JobStatus);
        return StateJson.Write(output);
    }
}
