using System.Buffers;
using System.Collections.Concurrent;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>
/// Test provider: writes each instance as a Part 10 file (dicom-data's <see cref="Part10FileWriter"/> header + the received bytes) into a folder (temp file, fsync, rename, then 0000) and records
/// what happened. <see cref="FailWritesAfterBytes"/> makes sinks throw, to test A700; <see cref="CompleteDelay"/> makes
/// completions slow, to test asynchronous operations.
/// </summary>
public sealed class FolderStoreProvider(string folder) : IDicomServiceProvider
{
    private int _counter;

    public string Folder { get; } = folder;

    public ConcurrentQueue<StoreRequestContext> Stored { get; } = new();

    public ConcurrentQueue<StoreRequestContext> Aborted { get; } = new();

    public ConcurrentQueue<AssociationInfo> Released { get; } = new();

    /// <summary>The TLS client certificate is only valid during the callbacks, so its thumbprint is captured there.</summary>
    public ConcurrentQueue<string?> ReleasedClientThumbprints { get; } = new();

    public ConcurrentQueue<(AssociationInfo Association, AssociationAbortInfo Abort)> AbortedAssociations { get; } = new();

    public long? FailWritesAfterBytes { get; set; }

    /// <summary>How long each completion waits before it is durable (e.g. a remote store's round trip).</summary>
    public Func<StoreRequestContext, TimeSpan>? CompleteDelay { get; set; }

    /// <summary>The most completions that were running at once.</summary>
    public int MaxConcurrentCompletions => Volatile.Read(ref _maxCompleting);

    /// <summary>Completions running when each association ended, as the association's end callback saw them.</summary>
    public ConcurrentQueue<int> CompletingWhenEnded { get; } = new();

    private int _completing;
    private int _maxCompleting;

    /// <summary>Count only, write nothing: for the memory test.</summary>
    public bool DiscardData { get; set; }

    public long BytesReceived => Interlocked.Read(ref _bytes);

    private long _bytes;

    public Func<AssociateRequestPdu, AssociationDecision> Decide { get; set; } = _ => AssociationDecision.Accept;

    public AssociationDecision OnAssociationRequested(AssociateRequestPdu request, TransportInfo transport) => Decide(request);

    public ValueTask<IStoreInstanceSink> BeginStoreAsync(StoreRequestContext context, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _counter);
        var path = Path.Combine(Folder, $"{n:D5}-{context.SopInstanceUid}.dcm");
        return ValueTask.FromResult<IStoreInstanceSink>(new Sink(this, context, path));
    }

    public ValueTask OnAssociationReleasedAsync(AssociationInfo association, CancellationToken cancellationToken)
    {
        CompletingWhenEnded.Enqueue(Volatile.Read(ref _completing));
        Released.Enqueue(association);
        ReleasedClientThumbprints.Enqueue(association.ClientCertificate?.Thumbprint);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnAssociationAbortedAsync(AssociationInfo association, AssociationAbortInfo abort, CancellationToken cancellationToken)
    {
        CompletingWhenEnded.Enqueue(Volatile.Read(ref _completing));
        AbortedAssociations.Enqueue((association, abort));
        return ValueTask.CompletedTask;
    }

    private sealed class Sink : IStoreInstanceSink
    {
        private readonly FolderStoreProvider _owner;
        private readonly StoreRequestContext _context;
        private readonly string _path;
        private readonly FileStream? _file;
        private long _written;

        public Sink(FolderStoreProvider owner, StoreRequestContext context, string path)
        {
            _owner = owner;
            _context = context;
            _path = path;
            if (!owner.DiscardData)
            {
                _file = new FileStream(path + ".part", FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                _file.Write(Part10FileWriter.EncodeHeader(DicomFileMetaInformation.Create(context.SopClassUid, context.SopInstanceUid, context.TransferSyntaxUid, context.CallingAeTitle)));
            }
        }

        public async ValueTask WriteAsync(ReadOnlySequence<byte> dataSetFragment, CancellationToken cancellationToken)
        {
            _written += dataSetFragment.Length;
            Interlocked.Add(ref _owner._bytes, dataSetFragment.Length);
            if (_owner.FailWritesAfterBytes is { } limit && _written > limit)
            {
                throw new IOException("Simulated disk failure.");
            }

            if (_file is not null)
            {
                foreach (var segment in dataSetFragment)
                {
                    await _file.WriteAsync(segment, cancellationToken);
                }
            }
        }

        public async ValueTask<StoreOutcome> CompleteAsync(CancellationToken cancellationToken)
        {
            var running = Interlocked.Increment(ref _owner._completing);
            try
            {
                for (var max = Volatile.Read(ref _owner._maxCompleting); running > max; max = Volatile.Read(ref _owner._maxCompleting))
                {
                    Interlocked.CompareExchange(ref _owner._maxCompleting, running, max);
                }

                if (_owner.CompleteDelay?.Invoke(_context) is { } delay)
                {
                    await Task.Delay(delay, cancellationToken);
                }

                if (_file is not null)
                {
                    await _file.FlushAsync(cancellationToken);
                    _file.Flush(flushToDisk: true);
                    await _file.DisposeAsync();
                    File.Move(_path + ".part", _path);
                }

                _owner.Stored.Enqueue(_context);
                return new StoreOutcome(DimseStatus.Success);
            }
            finally
            {
                Interlocked.Decrement(ref _owner._completing);
            }
        }

        public async ValueTask AbortAsync(CancellationToken cancellationToken)
        {
            _owner.Aborted.Enqueue(_context);
            if (_file is not null)
            {
                await _file.DisposeAsync();
                File.Delete(_path + ".part");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_file is not null)
            {
                await _file.DisposeAsync();
            }
        }
    }
}
