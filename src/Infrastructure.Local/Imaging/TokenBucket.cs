namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>A token bucket: <c>burst</c> calls at once, then <c>ratePerSecond</c>; a caller over the rate waits for its token.</summary>
internal sealed class TokenBucket(double ratePerSecond, int burst, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = Math.Max(1, burst);
    private long _last = time.GetTimestamp();

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (ratePerSecond <= 0)
        {
            return;
        }

        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(Math.Max(1, burst), _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
