using ImagingGateway.Infrastructure.Local.Workflow;

namespace ImagingGateway.Infrastructure.Local.Tests.Workflow;

public class RetryPolicyTests
{
    [Fact]
    public void GivenBackoffWithoutJitter_WhenAttemptsGrow_ThenDelaysDoubleUpToTheCap()
    {
        var policy = new RetryPolicy { Interval = TimeSpan.FromSeconds(2), BackoffRate = 2, MaxDelay = TimeSpan.FromSeconds(10), FullJitter = false };

        Assert.Equal(TimeSpan.FromSeconds(2), policy.DelayFor(0, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.DelayFor(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(8), policy.DelayFor(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayFor(3, 0.5));
    }

    [Fact]
    public void GivenFullJitter_WhenComputingADelay_ThenItIsTheRandomShareOfTheBackoff()
    {
        var policy = new RetryPolicy { Interval = TimeSpan.FromSeconds(4), BackoffRate = 2, MaxDelay = TimeSpan.FromMinutes(1) };

        Assert.Equal(TimeSpan.FromSeconds(2), policy.DelayFor(0, 0.5));
        Assert.Equal(TimeSpan.Zero, policy.DelayFor(1, 0));
    }

    [Fact]
    public void GivenQuotaAndOtherErrors_WhenNamed_ThenTheyMatchTheStateMachineErrorNames()
    {
        Assert.Equal(WorkflowErrors.ServiceQuotaExceeded, WorkflowErrors.NameOf(new Application.Common.Ports.ImagingQuotaExceededException("q")));
        Assert.Equal(WorkflowErrors.Throttling, WorkflowErrors.NameOf(new ThrottlingTestException()));
        Assert.Equal(nameof(TimeoutException), WorkflowErrors.NameOf(new TimeoutException()));
        Assert.True(WorkflowErrors.IsQuota(WorkflowErrors.Throttling));
        Assert.False(WorkflowErrors.IsQuota(nameof(TimeoutException)));
    }

    private sealed class ThrottlingTestException : Exception;
}
