using System.IO.Pipelines;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>A pair of pipe ends, e.g. <c>PipeReader.Create(stream)</c> and <c>PipeWriter.Create(stream)</c> over a socket or TLS stream.</summary>
public sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;

    /// <summary>Wraps a stream (NetworkStream, SslStream) for the association handler; the stream stays owned by the caller.</summary>
    public static DuplexPipe FromStream(Stream stream, int minimumReadSize = 64 * 1024) => new(
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: minimumReadSize, minimumReadSize: Math.Min(minimumReadSize, 4096), leaveOpen: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: minimumReadSize, leaveOpen: true)));
}
