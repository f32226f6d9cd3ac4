using System.Buffers;
using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Handles one complete PDU; the body is a slice valid only until the handler returns. True stops receiving.</summary>
internal delegate ValueTask<bool> PduHandler(PduType type, ReadOnlySequence<byte> body);

/// <summary>
/// PDU framing over a duplex pipe, shared by the server and the client. The receive loop follows Kestrel's
/// connection loop: ReadAsync, drain every complete PDU, AdvanceTo(consumed, examined) in finally. Every read
/// and flush runs under a timeout so a silent peer cannot hold the association forever.
/// </summary>
internal sealed class PduConnection(IDuplexPipe transport) : IDisposable
{
    private readonly PipeReader _input = transport.Input;
    private readonly PipeWriter _output = transport.Output;
    // Reads and flushes have a timer each: with an asynchronous operations window, responses are flushed while the
    // association's loop waits for the next PDU.
    private readonly PduTimer _readTimer = new();
    private readonly PduTimer _writeTimer = new();

    public PipeWriter Output => _output;

    /// <summary>
    /// Receives PDUs until the handler returns true. Returns false when the peer closed the transport first.
    /// </summary>
    /// <exception cref="TimeoutException">No PDU byte arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="PduFormatException">An unknown PDU type or an oversize length.</exception>
    public async ValueTask<bool> ReceiveAsync(uint maxLength, TimeSpan timeout, PduHandler handler, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await ReadWithTimeoutAsync(timeout, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var done = false;
            try
            {
                while (!done && PduReader.TryRead(ref buffer, maxLength, out var type, out var body))
                {
                    done = await handler(type, body).ConfigureAwait(false);
                }

                if (done)
                {
                    return true;
                }

                if (result.IsCompleted)
                {
                    return false;
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, done ? buffer.Start : buffer.End);
            }
        }
    }

    /// <summary>Waits for the peer to close (Sta13), discarding anything it still sends; false if ARTIM expired.</summary>
    public async ValueTask<bool> WaitForCloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await ReadWithTimeoutAsync(timeout, cancellationToken).ConfigureAwait(false);
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask SendAsync(Action<IBufferWriter<byte>> write, TimeSpan timeout, CancellationToken cancellationToken)
    {
        write(_output);
        await FlushAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a command set as P-DATA-TF PDUs no larger than <paramref name="maxPduLength"/>.</summary>
    public ValueTask SendCommandAsync(byte contextId, CommandSet command, uint maxPduLength, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendFragmentsAsync(contextId, isCommand: true, command.Encode(), maxPduLength, timeout, cancellationToken);

    /// <summary>Sends a small data set held in memory (e.g. an N-ACTION or N-EVENT-REPORT data set) as P-DATA-TF PDUs.</summary>
    public ValueTask SendDataSetAsync(byte contextId, ReadOnlyMemory<byte> dataSet, uint maxPduLength, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendFragmentsAsync(contextId, isCommand: false, dataSet, maxPduLength, timeout, cancellationToken);

    private ValueTask SendFragmentsAsync(byte contextId, bool isCommand, ReadOnlyMemory<byte> encoded, uint maxPduLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var maxFragment = (int)Math.Min(int.MaxValue, maxPduLength - DataTransferPdu.PdvHeaderLength);
        for (var at = 0; at < encoded.Length; at += maxFragment)
        {
            var length = Math.Min(maxFragment, encoded.Length - at);
            PduWriter.WriteDataTransfer(_output, contextId, isCommand, isLast: at + length == encoded.Length, encoded.Span.Slice(at, length));
        }

        return FlushAsync(timeout, cancellationToken);
    }

    public async ValueTask FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var token = _writeTimer.Start(timeout, cancellationToken);
        try
        {
            await _output.FlushAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The peer did not take our data within {timeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _writeTimer.Stop();
        }
    }

    /// <summary>Best effort: send an A-ABORT without waiting long; the transport may already be gone.</summary>
    public async ValueTask TrySendAbortAsync(AbortSource source, AbortReason reason)
    {
        try
        {
            new AbortPdu(source, reason).WriteTo(_output);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _output.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The peer is gone or stalled; closing the transport is all that is left to do.
        }
    }

    public void Dispose()
    {
        _readTimer.Dispose();
        _writeTimer.Dispose();
    }

    private async ValueTask<ReadResult> ReadWithTimeoutAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var token = _readTimer.Start(timeout, cancellationToken);
        try
        {
            return await _input.ReadAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data from the peer within {timeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _readTimer.Stop();
        }
    }
}
