using ImagingGateway.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The associations open now: enforces <c>Gateway:MaxAssociations</c> and, once the host stops, gives every
/// association the same deadline (<c>Gateway:ShutdownGracePeriod</c> after the stop began) before it is aborted.
/// </summary>
public sealed class AssociationRegistry : IDisposable
{
    private readonly int _max;
    private readonly TimeSpan _grace;
    private readonly CancellationTokenSource _graceExpired = new();
    private int _active;
    private int _stopping;

    public AssociationRegistry(IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime)
    {
        _max = options.Value.MaxAssociations;
        _grace = options.Value.ShutdownGracePeriod;
        lifetime.ApplicationStopping.Register(BeginStopping);
    }

    public int Active => Volatile.Read(ref _active);

    public bool IsStopping => Volatile.Read(ref _stopping) == 1;

    /// <summary>Cancelled when the shutdown grace period is over: every association still open must abort.</summary>
    public CancellationToken GraceExpired => _graceExpired.Token;

    /// <summary>Takes a slot, or returns false when <c>Gateway:MaxAssociations</c> are already open or the host is stopping.</summary>
    public bool TryEnter()
    {
        if (IsStopping)
        {
            return false;
        }

        if (Interlocked.Increment(ref _active) > _max)
        {
            Interlocked.Decrement(ref _active);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _active);

    private void BeginStopping()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _graceExpired.CancelAfter(_grace);
        }
    }

    public void Dispose() => _graceExpired.Dispose();
}
