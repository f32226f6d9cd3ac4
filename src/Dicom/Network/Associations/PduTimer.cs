namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>A reusable timeout for one kind of wait on a connection (reading or flushing), linked to the caller's token.</summary>
internal sealed class PduTimer : IDisposable
{
    private CancellationTokenSource? _source;
    private CancellationToken _linkedTo;

    public CancellationToken Start(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_source is null || _linkedTo != cancellationToken || !_source.TryReset())
        {
            _source?.Dispose();
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _linkedTo = cancellationToken;
        }

        _source.CancelAfter(timeout);
        return _source.Token;
    }

    public void Stop() => _source?.CancelAfter(Timeout.InfiniteTimeSpan);

    public void Dispose() => _source?.Dispose();
}
