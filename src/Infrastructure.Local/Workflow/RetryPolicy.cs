namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>
/// One Step Functions retrier: on a matching error wait Interval × BackoffRate^attempt (capped at MaxDelay, with
/// FULL jitter: a uniform draw between 0 and that), at most MaxAttempts times, then give up to the Catch.
/// </summary>
public sealed class RetryPolicy
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    public double BackoffRate { get; set; } = 2;

    public int MaxAttempts { get; set; } = 6;

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    public bool FullJitter { get; set; } = true;

    /// <summary>The delay before retry number <paramref name="attempt"/> (0 for the first retry).</summary>
    public TimeSpan DelayFor(int attempt, double random01)
    {
        var seconds = Interval.TotalSeconds * Math.Pow(BackoffRate, attempt);
        var capped = Math.Min(seconds, MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(FullJitter ? capped * random01 : capped);
    }
}
