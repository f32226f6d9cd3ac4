using System.Buffers;
using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>Pushes bytes through a real <see cref="Pipe"/> in chosen pieces and frames PDUs on the reading side.</summary>
public static class PipeFeeder
{
    /// <summary>Writes <paramref name="bytes"/> split at <paramref name="split"/> (two flushes) and returns the framed PDUs, each body copied.</summary>
    public static async Task<List<(PduType Type, byte[] Body)>> FrameAsync(byte[] bytes, int split, uint maxLength = 1 << 20)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var frames = new List<(PduType, byte[])>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (split > 0)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(0, split));
            Drain(pipe.Reader, frames, maxLength, await pipe.Reader.ReadAsync(timeout.Token));
        }

        await pipe.Writer.WriteAsync(bytes.AsMemory(split));
        await pipe.Writer.CompleteAsync();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(timeout.Token);
            Drain(pipe.Reader, frames, maxLength, result);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return frames;
    }

    private static void Drain(PipeReader reader, List<(PduType, byte[])> frames, uint maxLength, ReadResult result)
    {
        var buffer = result.Buffer;
        while (PduReader.TryRead(ref buffer, maxLength, out var type, out var body))
        {
            frames.Add((type, body.ToArray()));
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
    }
}
