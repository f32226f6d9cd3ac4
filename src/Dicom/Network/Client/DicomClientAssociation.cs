using System.Buffers;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Dimse.Echo;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// An established SCU association (requestor side of PS3.8 9.2). Not thread-safe: use one association per concurrent
/// sender. <see cref="StoreFilesAsync"/> keeps up to <see cref="Window"/> C-STOREs outstanding when the peer granted
/// an asynchronous operations window (PS3.7 D.3.3.3); every other operation waits for its response.
/// </summary>
public sealed class DicomClientAssociation : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PduConnection _connection;
    private readonly AssociationStateMachine _machine;
    private readonly DicomClientOptions _options;
    private readonly CommandAssembler _commands = new();
    private readonly uint _sendMax;
    private ushort _nextMessageId;

    internal DicomClientAssociation(Stream stream, PduConnection connection, AssociationStateMachine machine, DicomClientOptions options,
        AssociateRequestPdu request, AssociateAcceptPdu accept)
    {
        _stream = stream;
        _connection = connection;
        _machine = machine;
        _options = options;
        Request = request;
        Accept = accept;
        var peerMax = accept.UserInformation.MaximumLength;
        _sendMax = peerMax == 0 ? options.Association.MaxSendPduLength : Math.Clamp(peerMax, 64, options.Association.MaxSendPduLength);
        Window = request.UserInformation.AsynchronousOperationsWindow is null
            ? 1
            : options.Association.AsyncOperations.GrantedTo(accept.UserInformation.AsynchronousOperationsWindow);
    }

    public AssociateRequestPdu Request { get; }

    public AssociateAcceptPdu Accept { get; }

    public bool IsOpen => _machine.State == AssociationState.Established;

    /// <summary>Operations we may have outstanding: what the peer granted of the window we proposed, else 1.</summary>
    public int Window { get; }

    /// <summary>The accepted presentation context for an abstract syntax and transfer syntax, if any.</summary>
    public byte? FindContext(string abstractSyntax, string transferSyntax)
    {
        foreach (var accepted in Accept.PresentationContexts)
        {
            if (accepted.Result == PresentationContextResult.Acceptance && accepted.TransferSyntax == transferSyntax &&
                Request.PresentationContexts.Any(p => p.Id == accepted.Id && p.AbstractSyntax == abstractSyntax))
            {
                return accepted.Id;
            }
        }

        return null;
    }

    public async Task<DimseStatus> EchoAsync(CancellationToken cancellationToken)
    {
        var context = Accept.PresentationContexts
            .FirstOrDefault(a => a.Result == PresentationContextResult.Acceptance && Request.PresentationContexts.Any(p => p.Id == a.Id && p.AbstractSyntax == NetworkUids.Verification))
            ?? throw new DicomNetworkException("The peer did not accept the Verification SOP class.");
        var request = EchoMessages.CreateRequest(NextMessageId());
        await SendCommandAsync(context.Id, request, cancellationToken).ConfigureAwait(false);
        var response = await ReceiveResponseAsync(request.MessageId, cancellationToken).ConfigureAwait(false);
        return response.Status;
    }

    /// <summary>
    /// Sends the data set of a Part 10 file, streamed from disk, over a context accepted in the file's own transfer syntax.
    /// When only a fallback was accepted (Explicit then Implicit VR Little Endian) and the file is uncompressed, the data
    /// set is transcoded in memory first (<see cref="DataSetTranscoder"/>). Otherwise throws
    /// <see cref="DicomNetworkException"/> naming the transfer syntax and SOP class the peer did not accept.
    /// </summary>
    public async Task<DimseStatus> StoreFileAsync(Part10FileInfo file, CancellationToken cancellationToken)
    {
        var source = await OpenDataSetAsync(file, cancellationToken).ConfigureAwait(false);
        await using (source.DataSet.ConfigureAwait(false))
        {
            var messageId = await SendStoreAsync(source, cancellationToken).ConfigureAwait(false);
            return (await ReceiveResponseAsync(messageId, cancellationToken).ConfigureAwait(false)).Status;
        }
    }

    /// <summary>
    /// C-STOREs the files in order, each as <see cref="StoreFileAsync"/> does, with up to <see cref="Window"/> requests
    /// outstanding: the next request goes out while earlier ones wait for their responses, which are matched by
    /// Message ID Being Responded To in whatever order they come. Each file's result goes to <paramref name="report"/>
    /// when known. A file that cannot be read or whose syntax was not accepted fails alone; when the association is
    /// lost (abort, transport, timeout, a protocol error), it is aborted, and the files without a response fail with
    /// the reason, so only a file reported with a status was answered by the peer.
    /// </summary>
    public async Task StoreFilesAsync(IReadOnlyList<Part10FileInfo> files, Action<StoreResult> report, CancellationToken cancellationToken)
    {
        var outstanding = new Dictionary<ushort, Part10FileInfo>();
        var next = 0;
        try
        {
            for (; next < files.Count; next++)
            {
                while (outstanding.Count >= Window)
                {
                    await ReportResponseAsync(outstanding, await ReceiveCommandAsync(cancellationToken).ConfigureAwait(false), report).ConfigureAwait(false);
                }

                var file = files[next];
                StoreSource source;
                try
                {
                    source = await OpenDataSetAsync(file, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is DicomNetworkException or IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    report(new StoreResult(file.Path, file.SopInstanceUid, null, e.Message, file.Length));
                    continue;
                }

                await using (source.DataSet.ConfigureAwait(false))
                {
                    outstanding.Add(await SendStoreAsync(source, cancellationToken, isOutstanding: outstanding.ContainsKey).ConfigureAwait(false), file);
                }
            }

            while (outstanding.Count > 0)
            {
                await ReportResponseAsync(outstanding, await ReceiveCommandAsync(cancellationToken).ConfigureAwait(false), report).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is DicomNetworkException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Lost mid-way (or a file failed while its data set was on the wire, which leaves the message unfinishable).
            await AbortAsync().ConfigureAwait(false);
            foreach (var file in outstanding.Values)
            {
                report(new StoreResult(file.Path, file.SopInstanceUid, null, $"No response before the association ended: {e.Message}", file.Length));
            }

            foreach (var file in files.Skip(next).Where(f => !outstanding.ContainsValue(f)))
            {
                report(new StoreResult(file.Path, file.SopInstanceUid, null, $"The association ended before this file was sent: {e.Message}", file.Length));
            }
        }
    }

    /// <summary>
    /// C-STORE of a data set read from <paramref name="dataSet"/> (exactly <paramref name="length"/> bytes, already
    /// encoded in <paramref name="transferSyntaxUid"/>), in P-DATA PDUs sized to the peer's maximum.
    /// </summary>
    public async Task<DimseStatus> StoreAsync(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, Stream dataSet, long length,
        CancellationToken cancellationToken, ushort priority = 0)
    {
        var contextId = FindContext(sopClassUid, transferSyntaxUid)
            ?? throw new DicomNetworkException($"Transfer syntax {transferSyntaxUid} not accepted by the peer for SOP class {sopClassUid}.");
        var messageId = await SendStoreAsync(new StoreSource(contextId, sopClassUid, sopInstanceUid, dataSet, length), cancellationToken, priority).ConfigureAwait(false);
        return (await ReceiveResponseAsync(messageId, cancellationToken).ConfigureAwait(false)).Status;
    }

    /// <summary>The first accepted context for an abstract syntax, in whatever transfer syntax, if any.</summary>
    public (byte Id, string TransferSyntax)? FindContext(string abstractSyntax)
    {
        foreach (var accepted in Accept.PresentationContexts)
        {
            if (accepted.Result == PresentationContextResult.Acceptance && Request.PresentationContexts.Any(p => p.Id == accepted.Id && p.AbstractSyntax == abstractSyntax))
            {
                return (accepted.Id, accepted.TransferSyntax);
            }
        }

        return null;
    }

    /// <summary>
    /// Storage commitment request (PS3.4 J.3.2): N-ACTION-RQ, action type 1, with the Transaction UID and the Referenced
    /// SOP Sequence; returns the N-ACTION-RSP status. The report follows later (<see cref="WaitForStorageCommitmentResultAsync"/>).
    /// </summary>
    public async Task<DimseStatus> RequestStorageCommitmentAsync(StorageCommitmentRequest commitment, CancellationToken cancellationToken)
    {
        var (contextId, transferSyntax) = FindContext(NetworkUids.StorageCommitmentPushModel)
            ?? throw new DicomNetworkException("The peer did not accept the Storage Commitment Push Model SOP class.");
        var request = NActionMessages.CreateRequest(NextMessageId(), NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, StorageCommitmentRequest.ActionTypeId);
        await SendCommandAsync(contextId, request, cancellationToken).ConfigureAwait(false);
        await _connection.SendDataSetAsync(contextId, commitment.Encode(transferSyntax), _sendMax, _options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);
        var response = await ReceiveResponseAsync(request.MessageId, cancellationToken).ConfigureAwait(false);
        return response.Status;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the storage commitment report on this association (PS3.4 J.3.3):
    /// an N-EVENT-REPORT-RQ of event type 1 or 2, answered with success. Throws <see cref="DicomNetworkException"/> on
    /// timeout, abort, or when the peer closes the association first.
    /// </summary>
    public async Task<StorageCommitmentResult> WaitForStorageCommitmentResultAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        CommandSet? command = null;
        byte commandContext = 0;
        var dataSet = new ArrayBufferWriter<byte>(1024);
        var dataComplete = false;
        try
        {
            var ok = await _connection.ReceiveAsync(_options.Association.MaxPduLength, timeout, (type, body) =>
            {
                switch (type)
                {
                    case PduType.DataTransfer:
                        _machine.Fire(AssociationEvent.DataReceived);
                        while (DataTransferPdu.TryReadNext(ref body, out var pdv))
                        {
                            if (pdv.IsCommand)
                            {
                                if (_commands.TryAdd(pdv, out var received, out var contextId))
                                {
                                    (command, commandContext) = (received, contextId);
                                }
                            }
                            else if (command is null || dataSet.WrittenCount + pdv.Fragment.Length > 16 * 1024 * 1024)
                            {
                                throw new PduFormatException("Data set fragment without a command, or a report data set over 16 MiB.", AbortReason.UnexpectedPduParameter);
                            }
                            else
                            {
                                foreach (var segment in pdv.Fragment)
                                {
                                    dataSet.Write(segment.Span);
                                }

                                dataComplete = pdv.IsLastFragment;
                            }
                        }

                        return ValueTask.FromResult(command is not null && (!command.HasDataSet || dataComplete));
                    case PduType.Abort:
                        var abort = AbortPdu.Parse(body);
                        _machine.Fire(AssociationEvent.AbortReceived);
                        throw new DicomNetworkException($"The peer aborted the association (source {abort.Source}, reason {abort.Reason}).", abort);
                    default:
                        throw new PduFormatException($"Unexpected {type} PDU while waiting for the storage commitment report.", AbortReason.UnexpectedPdu);
                }
            }, deadline.Token).ConfigureAwait(false);
            if (!ok)
            {
                _machine.Fire(AssociationEvent.TransportClosed);
                throw new DicomNetworkException("The transport closed before the storage commitment report arrived.");
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DicomNetworkException($"No storage commitment report within {timeout.TotalSeconds:0.#} s.");
        }
        catch (TimeoutException e)
        {
            throw new DicomNetworkException($"No storage commitment report within {timeout.TotalSeconds:0.#} s.", e);
        }
        catch (Exception e) when (e is PduFormatException or DimseFormatException)
        {
            await ProviderAbortAsync(null, AbortReason.UnexpectedPduParameter).ConfigureAwait(false);
            throw new DicomNetworkException(e.Message, e);
        }

        if (command!.CommandField != CommandField.NEventReportRequest || command.AffectedSopClassUid != NetworkUids.StorageCommitmentPushModel)
        {
            await ProviderAbortAsync(null, AbortReason.UnexpectedPduParameter).ConfigureAwait(false);
            throw new DicomNetworkException($"Expected a storage commitment N-EVENT-REPORT-RQ, got command 0x{(ushort)command.CommandField:X4}.");
        }

        var transferSyntax = Accept.PresentationContexts.First(c => c.Id == commandContext).TransferSyntax;
        StorageCommitmentResult result;
        try
        {
            result = StorageCommitmentResult.Decode(dataSet.WrittenMemory, transferSyntax);
        }
        catch (StorageCommitmentFormatException e)
        {
            await SendCommandAsync(commandContext, NEventReportMessages.CreateResponse(command, DimseStatus.InvalidArgumentValue), cancellationToken).ConfigureAwait(false);
            throw new DicomNetworkException("The storage commitment report is malformed: " + e.Message, e);
        }

        var eventType = command.EventTypeId;
        var status = eventType is StorageCommitmentResult.SuccessfulEventTypeId or StorageCommitmentResult.FailuresExistEventTypeId
            ? DimseStatus.Success
            : DimseStatus.NoSuchEventType;
        await SendCommandAsync(commandContext, NEventReportMessages.CreateResponse(command, status), cancellationToken).ConfigureAwait(false);
        return status.IsSuccess ? result : throw new DicomNetworkException($"Storage commitment report with unknown event type {eventType}.");
    }

    /// <summary>
    /// Sends a storage commitment report as the SCP (PS3.4 J.3.3): N-EVENT-REPORT-RQ of event type 1 or 2 with the
    /// result; returns the N-EVENT-REPORT-RSP status.
    /// </summary>
    public async Task<DimseStatus> SendStorageCommitmentResultAsync(StorageCommitmentResult result, CancellationToken cancellationToken)
    {
        var (contextId, transferSyntax) = FindContext(NetworkUids.StorageCommitmentPushModel)
            ?? throw new DicomNetworkException("The peer did not accept the Storage Commitment Push Model SOP class.");
        var request = NEventReportMessages.CreateRequest(NextMessageId(), NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, result.EventTypeId);
        await SendCommandAsync(contextId, request, cancellationToken).ConfigureAwait(false);
        await _connection.SendDataSetAsync(contextId, result.Encode(transferSyntax), _sendMax, _options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);
        var response = await ReceiveResponseAsync(request.MessageId, cancellationToken).ConfigureAwait(false);
        return response.Status;
    }

    /// <summary>Orderly release: A-RELEASE-RQ, wait for A-RELEASE-RP (PS3.8 7.2).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        _machine.Fire(AssociationEvent.LocalReleaseRequest);
        await _connection.SendAsync(ReleaseRequestPdu.Instance.WriteTo, _options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);
        while (_machine.State != AssociationState.Idle)
        {
            PduType? received = null;
            var ok = await _connection.ReceiveAsync(_options.Association.MaxPduLength, _options.AcseTimeout, (type, body) =>
            {
                received = type;
                if (type == PduType.Abort)
                {
                    var abort = AbortPdu.Parse(body);
                    _machine.Fire(AssociationEvent.AbortReceived);
                    throw new DicomNetworkException($"The peer aborted during release (source {abort.Source}, reason {abort.Reason}).", abort);
                }

                return ValueTask.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);
            if (!ok)
            {
                _machine.Fire(AssociationEvent.TransportClosed);
                throw new DicomNetworkException("The transport closed before A-RELEASE-RP.");
            }

            switch (received)
            {
                case PduType.ReleaseResponse:
                    _machine.Fire(AssociationEvent.ReleaseResponseReceived);
                    break;
                case PduType.ReleaseRequest:
                    // Release collision (PS3.8 9.2.4): as requestor we answer first (Sta9 → Sta11), then wait for the RP.
                    _machine.Fire(AssociationEvent.ReleaseRequestReceived);
                    _machine.Fire(AssociationEvent.LocalReleaseResponse);
                    await _connection.SendAsync(ReleaseResponsePdu.Instance.WriteTo, _options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);
                    break;
                case PduType.DataTransfer:
                    // Late P-DATA while awaiting the RP is delivered and ignored (AR-6).
                    _machine.Fire(AssociationEvent.DataReceived);
                    break;
                default:
                    await ProviderAbortAsync(received!.Value).ConfigureAwait(false);
                    throw new DicomNetworkException($"Unexpected {received} PDU while releasing.");
            }
        }
    }

    /// <summary>A-ABORT (service-user) and close.</summary>
    public async Task AbortAsync()
    {
        if (_machine.State is AssociationState.Idle or AssociationState.AwaitingTransportClose)
        {
            return;
        }

        if (_machine.Fire(AssociationEvent.LocalAbort) == AssociationAction.SendAbort)
        {
            await _connection.TrySendAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
        }
    }

    /// <summary>Releases if still established (best effort), then closes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_machine.State == AssociationState.Established)
            {
                using var cts = new CancellationTokenSource(_options.AcseTimeout);
                await ReleaseAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is DicomNetworkException or IOException or TimeoutException or OperationCanceledException or PduFormatException)
        {
            await AbortAsync().ConfigureAwait(false);
        }
        finally
        {
            _connection.Dispose();
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ushort NextMessageId(Func<ushort, bool>? isOutstanding = null)
    {
        do
        {
            _nextMessageId = (ushort)(_nextMessageId == ushort.MaxValue ? 1 : _nextMessageId + 1);
        }
        while (isOutstanding?.Invoke(_nextMessageId) == true);

        return _nextMessageId;
    }

    /// <summary>The context and bytes a file is sent with; everything that can fail before a byte is sent fails here.</summary>
    private async Task<StoreSource> OpenDataSetAsync(Part10FileInfo file, CancellationToken cancellationToken)
    {
        if (FindContext(file.SopClassUid, file.TransferSyntaxUid) is { } contextId)
        {
            var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            stream.Position = file.DataSetOffset;
            return new StoreSource(contextId, file.SopClassUid, file.SopInstanceUid, stream, file.DataSetLength);
        }

        if (DataSetTranscoder.CanTranscode(file.TransferSyntaxUid))
        {
            var target = DataSetTranscoder.FallbackSyntaxes.FirstOrDefault(ts => FindContext(file.SopClassUid, ts) is not null);
            if (target is not null)
            {
                var encoded = await DataSetTranscoder.TranscodeAsync(file, target, cancellationToken).ConfigureAwait(false);
                return new StoreSource(FindContext(file.SopClassUid, target)!.Value, file.SopClassUid, file.SopInstanceUid, new MemoryStream(encoded, writable: false), encoded.Length);
            }
        }

        throw new DicomNetworkException($"Transfer syntax {file.TransferSyntaxUid} not accepted by the peer for SOP class {file.SopClassUid}.");
    }

    /// <summary>
    /// Sends one C-STORE-RQ and its whole data set, before any other message (PS3.8 E.1: a message's fragments are
    /// never interleaved with another's); returns its Message ID.
    /// </summary>
    private async Task<ushort> SendStoreAsync(StoreSource source, CancellationToken cancellationToken, ushort priority = 0, Func<ushort, bool>? isOutstanding = null)
    {
        var request = StoreMessages.CreateRequest(NextMessageId(isOutstanding), source.SopClassUid, source.SopInstanceUid, priority);
        await SendCommandAsync(source.ContextId, request, cancellationToken).ConfigureAwait(false);

        var maxFragment = (int)(_sendMax - DataTransferPdu.PdvHeaderLength);
        var remaining = source.Length;
        var output = _connection.Output;
        do
        {
            var size = (int)Math.Min(maxFragment, remaining);
            var memory = output.GetMemory(DataTransferPdu.HeadersLength + size);
            await source.DataSet.ReadExactlyAsync(memory.Slice(DataTransferPdu.HeadersLength, size), cancellationToken).ConfigureAwait(false);
            remaining -= size;
            PduWriter.WriteDataTransferHeaders(memory.Span, source.ContextId, isCommand: false, isLast: remaining == 0, size);
            output.Advance(DataTransferPdu.HeadersLength + size);
            await _connection.FlushAsync(_options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);
        }
        while (remaining > 0);

        return request.MessageId;
    }

    private async Task ReportResponseAsync(Dictionary<ushort, Part10FileInfo> outstanding, CommandSet response, Action<StoreResult> report)
    {
        if (response.CommandField != CommandField.CStoreResponse || !outstanding.Remove(response.MessageIdBeingRespondedTo, out var file))
        {
            await ProviderAbortAsync(null, AbortReason.InvalidPduParameterValue).ConfigureAwait(false);
            throw new DicomNetworkException($"Unexpected {response.CommandField} to message {response.MessageIdBeingRespondedTo}, which is not outstanding.");
        }

        report(new StoreResult(file.Path, file.SopInstanceUid, response.Status, null, file.Length));
    }

    private ValueTask SendCommandAsync(byte contextId, CommandSet command, CancellationToken cancellationToken)
    {
        _machine.Fire(AssociationEvent.LocalDataRequest);
        return _connection.SendCommandAsync(contextId, command, _sendMax, _options.Association.WriteTimeout, cancellationToken);
    }

    private async Task<CommandSet> ReceiveResponseAsync(ushort messageId, CancellationToken cancellationToken)
    {
        var response = await ReceiveCommandAsync(cancellationToken).ConfigureAwait(false);
        if (response.MessageIdBeingRespondedTo != messageId)
        {
            await ProviderAbortAsync(null, AbortReason.InvalidPduParameterValue).ConfigureAwait(false);
            throw new DicomNetworkException($"Response to message {response.MessageIdBeingRespondedTo}, expected {messageId}.");
        }

        return response;
    }

    /// <summary>The next command the peer sends (a response); the association is aborted when it breaks the protocol.</summary>
    private async Task<CommandSet> ReceiveCommandAsync(CancellationToken cancellationToken)
    {
        CommandSet? response = null;
        try
        {
            var ok = await _connection.ReceiveAsync(_options.Association.MaxPduLength, _options.DimseTimeout, (type, body) =>
            {
                switch (type)
                {
                    case PduType.DataTransfer:
                        _machine.Fire(AssociationEvent.DataReceived);
                        while (DataTransferPdu.TryReadNext(ref body, out var pdv))
                        {
                            if (!pdv.IsCommand)
                            {
                                throw new PduFormatException("Unexpected data set fragment in a response.", AbortReason.UnexpectedPduParameter);
                            }

                            if (_commands.TryAdd(pdv, out var command, out _))
                            {
                                response = command;
                            }
                        }

                        return ValueTask.FromResult(response is not null);
                    case PduType.Abort:
                        var abort = AbortPdu.Parse(body);
                        _machine.Fire(AssociationEvent.AbortReceived);
                        throw new DicomNetworkException($"The peer aborted the association (source {abort.Source}, reason {abort.Reason}).", abort);
                    default:
                        throw new PduFormatException($"Unexpected {type} PDU while waiting for a response.", AbortReason.UnexpectedPdu);
                }
            }, cancellationToken).ConfigureAwait(false);
            if (!ok)
            {
                _machine.Fire(AssociationEvent.TransportClosed);
                throw new DicomNetworkException("The transport closed before the response arrived.");
            }
        }
        catch (PduFormatException e)
        {
            await ProviderAbortAsync(null, e.Reason).ConfigureAwait(false);
            throw new DicomNetworkException(e.Message, e);
        }
        catch (DimseFormatException e)
        {
            await ProviderAbortAsync(null, AbortReason.InvalidPduParameterValue).ConfigureAwait(false);
            throw new DicomNetworkException(e.Message, e);
        }
        catch (TimeoutException e)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new DicomNetworkException(e.Message, e);
        }

        return response!;
    }

    private async Task ProviderAbortAsync(PduType? type, AbortReason reason = AbortReason.UnexpectedPdu)
    {
        if (_machine.State is AssociationState.Idle or AssociationState.AwaitingTransportClose)
        {
            return;
        }

        _machine.Fire(AssociationEvent.InvalidPduReceived);
        await _connection.TrySendAbortAsync(AbortSource.ServiceProvider, type is null ? reason : AbortReason.UnexpectedPdu).ConfigureAwait(false);
    }
}
