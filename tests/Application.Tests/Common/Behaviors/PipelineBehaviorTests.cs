using ImagingGateway.Application.Common.Behaviors;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.TriggerImport;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Tests.Common.Behaviors;

public sealed class PipelineBehaviorTests
{
    [Fact]
    public async Task GivenAValidRequest_WhenSent_ThenTheLoggingBehaviorRecordsItsCompletion()
    {
        await using var host = new TestHost();

        await host.Mediator.Send(new GetImportJobQuery("j1"));

        Assert.Contains(host.Logs.Lines, l =>
            l.Category.StartsWith(typeof(LoggingBehavior<,>).FullName![..^2], StringComparison.Ordinal)
            && l.Level == LogLevel.Debug
            && l.Message.StartsWith("GetImportJobQuery handled in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAnInvalidRequest_WhenSent_ThenEveryFailureIsReportedBeforeTheHandlerRunsAndTheFailureIsLogged()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new GetImportJobQuery(new string('x', 300))));

        Assert.Equal("GetImportJobQuery", ex.RequestName);
        Assert.Equal(nameof(GetImportJobQuery.JobId), Assert.Single(ex.Failures).Field);
        Assert.StartsWith("GetImportJobQuery is invalid: JobId: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("GetImportJobQuery failed", StringComparison.Ordinal)
            && l.Message.Contains(nameof(RequestValidationException), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAHandlerError_WhenSent_ThenItPropagatesUnchanged()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<NotFoundException>(async () =>
            await host.Mediator.Send(new TriggerImportCommand("batches/01ARYZ6S41TSV4RRFFQ69G5FAV.json")));

        Assert.Equal("batch manifest", ex.What);
    }
}
