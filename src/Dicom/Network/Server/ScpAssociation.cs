using System.Buffers;
using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Dimse.Echo;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// One SCP association from transport open to close: PS3.8 9.2 acceptor states Sta2 → Sta3 → Sta6 → Sta8 → Sta13,
/// DIMSE C-ECHO and C-STORE, data-set fragments streamed to the provider's sink, and the storage commitment
/// N-ACTION (PS3.4 J.3.2) whose N-EVENT-REPORT may later be sent from another task: every write to the transport goes
/// through one send lock.
/// </summary>
/// <remarks>
/// <para>
/// Messages arrive one after the other (PS3.8 E.1: a message's fragments are never interleaved with another's), so
/// one data set is received at a time. With an asynchronous operations window of N &gt; 1 (PS3.7 D.3.3.3), each
/// C-STORE is completed (made durable) off the receive loop once its last fragment arrived, and its response is sent
/// when that is done, in whatever order they finish (the peer matches them by Message ID Being Responded To); the
/// loop reads the next request meanwhile and waits only when N are outstanding. A release is answered after every
/// outstanding response; however the association ends, the provider hears of it only after every outstanding
/// store has finished, so nothing acknowledged is missing from what it closes.
/// </para>
/// With <paramref name="forcedRejection"/> set, the A-ASSOCIATE-RQ is still read (ARTIM-bounded) but answered with that
/// A-ASSOCIATE-RJ without consulting the policy or the provider (e.g. the server is over capacity).
/// </remarks>
internal sealed class ScpAssociation(DicomAssociationHandler handler, IDuplexPipe transport, TransportInfo transportInfo, AssociateRejectPdu? forcedRejection = null)
{
    private readonly AssociationStateMachine _machine = new(isRequestor: false);
    private readonly PduConnection _connection = new(transport);
    private readonly CommandAssembler _commands = new();
    private readonly Dictionary<byte, (string AbstractSyntax, string TransferSyntax)> _contexts = [];
    private AssociationOptions Options => handler.Options;
    private AssociationInfo? _association;
    private readonly Lock _machineLock = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<Task> _completions = [];
    private PendingMessage? _pending;
    private SemaphoreSlim? _window;
    private Exception? _sendFailure;
    private uint _sendMax;
    private AssociationAbortInfo? _abort;
    private CancellationToken _cancellationToken;
    private readonly Dictionary<ushort, TaskCompletionSource<DimseStatus?>> _outstandingReports = [];
    private ushort _nextMessageId;
    private bool _closed;

    /// <summary>An N-ACTION data set is a list of UIDs: 5,000 references take about 700 KB, so 16 MiB leaves room.</summary>
    private const int MaxActionDataSetLength = 16 * 1024 * 1024;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _machine.Fire(AssociationEvent.TransportConnectIndication);
        try
        {
            if (await ReceiveAssociateRequestAsync().ConfigureAwait(false))
            {
                await ServeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await LocalAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified, "The server is shutting down.").ConfigureAwait(false);
        }
        catch (IOException e)
        {
            TransportLost(e.Message);
        }
        finally
        {
            try
            {
                await DrainCompletionsAsync().ConfigureAwait(false);
            }
            finally
            {
                await EndAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask EndAsync()
    {
        await DiscardPendingAsync().ConfigureAwait(false);
        await CloseChannelAsync().ConfigureAwait(false);
        _connection.Dispose();
        _window?.Dispose();
        if (_association is not null)
        {
            if (_abort is null)
            {
                await handler.Provider.OnAssociationReleasedAsync(_association, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await handler.Provider.OnAssociationAbortedAsync(_association, _abort, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sta2: wait (ARTIM) for the A-ASSOCIATE-RQ and answer it. True when the association is established.</summary>
    private async Task<bool> ReceiveAssociateRequestAsync()
    {
        AssociateRequestPdu? request = null;
        PduType? other = null;
        try
        {
            var received = await _connection.ReceiveAsync(Options.MaxAssociatePduLength, Options.ArtimTimeout, (type, body) =>
            {
                if (type == PduType.AssociateRequest)
                {
                    request = AssociateRequestPdu.Parse(body);
                }
                else
                {
                    other = type;
                }

                return ValueTask.FromResult(true);
            }, _cancellationToken).ConfigureAwait(false);
            if (!received)
            {
                _machine.Fire(AssociationEvent.TransportClosed);
                return false;
            }
        }
        catch (TimeoutException)
        {
            _machine.Fire(AssociationEvent.ArtimExpired);
            return false;
        }
        catch (PduFormatException e)
        {
            _machine.Fire(AssociationEvent.InvalidPduReceived);
            await _connection.TrySendAbortAsync(AbortSource.ServiceProvider, e.Reason).ConfigureAwait(false);
            await _connection.WaitForCloseAsync(Options.ArtimTimeout, _cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (request is null)
        {
            if (_machine.Fire(EventFor(other!.Value)) == AssociationAction.CloseTransport)
            {
                // PS3.8 AA-2: an A-ABORT before the request closes the connection at once, with no ARTIM wait.
                return false;
            }

            await _connection.TrySendAbortAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu).ConfigureAwait(false);
            await _connection.WaitForCloseAsync(Options.ArtimTimeout, _cancellationToken).ConfigureAwait(false);
            return false;
        }

        _machine.Fire(AssociationEvent.AssociateRequestReceived);
        var decision = forcedRejection is null ? handler.Policy.Examine(request) : new AssociationDecision(forcedRejection);
        if (decision.IsAccepted)
        {
            try
            {
                decision = handler.Provider.OnAssociationRequested(request, transportInfo);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The application could not decide (e.g. its store is unavailable): a transient rejection lets the sender retry.
                decision = AssociationDecision.Reject(AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceUser, AssociateRejectReason.NoReasonGiven);
            }
        }

        if (decision.Rejection is { } rejection)
        {
            _machine.Fire(AssociationEvent.LocalAssociateReject);
            await _connection.SendAsync(rejection.WriteTo, Options.WriteTimeout, _cancellationToken).ConfigureAwait(false);
            await _connection.WaitForCloseAsync(Options.ArtimTimeout, _cancellationToken).ConfigureAwait(false);
            return false;
        }

        var answers = handler.Policy.NegotiateContexts(request.PresentationContexts);
        foreach (var answer in answers.Where(a => a.Result == PresentationContextResult.Acceptance))
        {
            _contexts[answer.Id] = (request.PresentationContexts.First(c => c.Id == answer.Id).AbstractSyntax, answer.TransferSyntax);
        }

        var proposedWindow = request.UserInformation.AsynchronousOperationsWindow;
        var accept = new AssociateAcceptPdu(request.CalledAeTitle, request.CallingAeTitle, answers, new UserInformationItem
        {
            MaximumLength = Options.MaxPduLength,
            ImplementationClassUid = Options.ImplementationClassUid,
            ImplementationVersionName = Options.ImplementationVersionName,
            AsynchronousOperationsWindow = proposedWindow is null ? null : Options.AsyncOperations.Answer(proposedWindow),
            RoleSelections = handler.Policy.NegotiateRoles(request.UserInformation.RoleSelections, request.PresentationContexts, answers),
        });
        _machine.Fire(AssociationEvent.LocalAssociateAccept);
        await _connection.SendAsync(accept.WriteTo, Options.WriteTimeout, _cancellationToken).ConfigureAwait(false);

        var peerMax = request.UserInformation.MaximumLength;
        _sendMax = peerMax == 0 ? Options.MaxSendPduLength : Math.Clamp(peerMax, 64, Options.MaxSendPduLength);
        _association = new AssociationInfo(transportInfo.ConnectionId, request, answers, transportInfo.RemoteEndPoint, transportInfo.ClientCertificate);
        var window = accept.UserInformation.AsynchronousOperationsWindow?.MaximumOperationsInvoked ?? 1;
        _window = window > 1 ? new SemaphoreSlim(window, window) : null;
        return true;
    }

    /// <summary>Sta6 until release (→ Sta13), abort, transport loss or timeout.</summary>
    private async Task ServeAsync()
    {
        try
        {
            var finished = await _connection.ReceiveAsync(Math.Max(Options.MaxPduLength, 1024), Options.IdleTimeout, HandlePduAsync, _cancellationToken).ConfigureAwait(false);
            if (!finished)
            {
                TransportLost("The peer closed the connection without releasing the association.");
            }
        }
        catch (TimeoutException e)
        {
            await LocalAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified, e.Message).ConfigureAwait(false);
        }
        catch (PduFormatException e)
        {
            await ProviderAbortAsync(e.Reason, e.Message).ConfigureAwait(false);
        }
        catch (DimseFormatException e)
        {
            await ProviderAbortAsync(AbortReason.InvalidPduParameterValue, e.Message).ConfigureAwait(false);
        }

        if (_machine.State == AssociationState.AwaitingTransportClose)
        {
            var closed = await _connection.WaitForCloseAsync(Options.ArtimTimeout, _cancellationToken).ConfigureAwait(false);
            Fire(closed ? AssociationEvent.TransportClosed : AssociationEvent.ArtimExpired);
        }
    }

    private async ValueTask<bool> HandlePduAsync(PduType type, ReadOnlySequence<byte> body)
    {
        switch (type)
        {
            case PduType.DataTransfer:
                Fire(AssociationEvent.DataReceived);
                if (body.IsEmpty)
                {
                    throw new PduFormatException("P-DATA-TF without any PDV item.", AbortReason.InvalidPduParameterValue);
                }

                while (DataTransferPdu.TryReadNext(ref body, out var pdv))
                {
                    await HandlePdvAsync(pdv).ConfigureAwait(false);
                }

                ThrowIfSendFailed();
                return false;
            case PduType.ReleaseRequest:
                ReleaseRequestPdu.Parse(body);
                // Every outstanding response goes out before the A-RELEASE-RP (PS3.7 D.3.3.3: the operations were invoked).
                await DrainCompletionsAsync().ConfigureAwait(false);
                ThrowIfSendFailed();
                Fire(AssociationEvent.ReleaseRequestReceived);
                await DiscardPendingAsync().ConfigureAwait(false);
                Fire(AssociationEvent.LocalReleaseResponse);
                await SendLockedAsync(ReleaseResponsePdu.Instance.WriteTo).ConfigureAwait(false);
                return true;
            case PduType.Abort:
                var abort = AbortPdu.Parse(body);
                Fire(AssociationEvent.AbortReceived);
                _abort = new AssociationAbortInfo(abort.Source, abort.Reason, ByPeer: true, "The peer aborted the association.");
                return true;
            default:
                Fire(EventFor(type));
                await TrySendAbortLockedAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu).ConfigureAwait(false);
                _abort = new AssociationAbortInfo(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu, ByPeer: false, $"Unexpected {type} PDU in an established association.");
                return true;
        }
    }

    private async ValueTask HandlePdvAsync(PresentationDataValue pdv)
    {
        if (!_contexts.ContainsKey(pdv.PresentationContextId))
        {
            throw new PduFormatException($"PDV on presentation context {pdv.PresentationContextId}, which was not accepted.", AbortReason.InvalidPduParameterValue);
        }

        if (pdv.IsCommand)
        {
            if (_pending is not null)
            {
                throw new PduFormatException($"Command fragment while the data set of message {_pending.Request.MessageId} is still expected.", AbortReason.UnexpectedPduParameter);
            }

            if (_commands.TryAdd(pdv, out var command, out var contextId))
            {
                await DispatchAsync(command!, contextId).ConfigureAwait(false);
            }

            return;
        }

        if (_pending is null || pdv.PresentationContextId != _pending.ContextId)
        {
            throw new PduFormatException($"Data set fragment on context {pdv.PresentationContextId} without a matching command.", AbortReason.UnexpectedPduParameter);
        }

        await _pending.WriteAsync(pdv.Fragment, _cancellationToken).ConfigureAwait(false);
        if (pdv.IsLastFragment)
        {
            var pending = _pending;
            _pending = null;
            if (_window is not null && pending.Request.CommandField == CommandField.CStoreRequest)
            {
                // Off the receive loop, so a commit that blocks (a local fsync) does not hold the next request back.
                _completions.RemoveAll(c => c.IsCompleted);
                _completions.Add(Task.Run(() => CompleteOutstandingAsync(pending), CancellationToken.None));
                return;
            }

            var response = await pending.FinishAsync(_cancellationToken).ConfigureAwait(false);
            await SendResponseAsync(pending.ContextId, response).ConfigureAwait(false);
            pending.AfterResponse?.Invoke();
        }
    }

    /// <summary>
    /// Completes one C-STORE of the window and sends its response, then frees its place in the window. A response
    /// that cannot be sent (transport gone, peer not reading) is dropped and the failure ends the receive loop.
    /// </summary>
    private async Task CompleteOutstandingAsync(PendingMessage pending)
    {
        try
        {
            var response = await pending.FinishAsync(_cancellationToken).ConfigureAwait(false);
            await SendResponseAsync(pending.ContextId, response).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _sendFailure, e, null);
        }
        finally
        {
            _window!.Release();
        }
    }

    private async ValueTask DispatchAsync(CommandSet command, byte contextId)
    {
        var field = command.CommandField;
        switch (field)
        {
            case CommandField.CEchoRequest when !command.HasDataSet:
                await SendResponseAsync(contextId, EchoMessages.CreateResponse(command, DimseStatus.Success)).ConfigureAwait(false);
                return;
            case CommandField.CEchoRequest:
                _pending = PendingMessage.Discard(command, contextId, EchoMessages.CreateResponse(command, DimseStatus.Success));
                return;
            case CommandField.CStoreRequest:
                await BeginStoreAsync(command, contextId).ConfigureAwait(false);
                return;
            case CommandField.CCancelRequest:
                // PS3.7 9.3.2.3: C-CANCEL applies to C-FIND, C-GET and C-MOVE, none of which is served here.
                return;
            case CommandField.NActionRequest:
                await BeginActionAsync(command, contextId).ConfigureAwait(false);
                return;
            case CommandField.NEventReportResponse when TakeOutstandingReport(command.MessageIdBeingRespondedTo) is { } report:
                report.TrySetResult(command.Status);
                return;
            default:
                if (((ushort)field & 0x8000) != 0)
                {
                    throw new DimseFormatException($"Unexpected response command 0x{(ushort)field:X4} sent to an SCP.");
                }

                var response = new CommandSet
                {
                    CommandField = (CommandField)((ushort)field | 0x8000),
                    MessageIdBeingRespondedTo = command.MessageId,
                    HasDataSet = false,
                    Status = DimseStatus.UnrecognizedOperation,
                };
                if (command.AffectedSopClassUid is { } sopClass)
                {
                    response.AffectedSopClassUid = sopClass;
                }

                if (command.HasDataSet)
                {
                    _pending = PendingMessage.Discard(command, contextId, response);
                }
                else
                {
                    await SendResponseAsync(contextId, response).ConfigureAwait(false);
                }

                return;
        }
    }

    private async ValueTask BeginStoreAsync(CommandSet command, byte contextId)
    {
        var (abstractSyntax, transferSyntax) = _contexts[contextId];
        var sopClass = command.AffectedSopClassUid;
        var sopInstance = command.AffectedSopInstanceUid;
        DimseStatus? refusal = null;
        string? reason = null;
        if (!command.HasDataSet)
        {
            await SendResponseAsync(contextId, StoreMessages.CreateResponse(command, DimseStatus.CannotUnderstand, "C-STORE-RQ without a data set")).ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(sopClass) || sopInstance is null)
        {
            (refusal, reason) = (DimseStatus.CannotUnderstand, "Affected SOP Class or Instance UID missing");
        }
        else if (sopClass != abstractSyntax)
        {
            (refusal, reason) = (DimseStatus.SopClassNotSupported, "SOP Class differs from the presentation context");
        }
        else if (!handler.Policy.IsSopInstanceUidAccepted(sopInstance))
        {
            (refusal, reason) = (DimseStatus.InvalidSopInstance, "Affected SOP Instance UID is not a valid UID");
        }

        if (_window is not null)
        {
            // A peer that exceeds the window it was granted is held back here instead of being aborted.
            await _window.WaitAsync(_cancellationToken).ConfigureAwait(false);
        }

        if (refusal is { } status)
        {
            _pending = PendingMessage.Discard(command, contextId, StoreMessages.CreateResponse(command, status, reason));
            return;
        }

        var context = new StoreRequestContext(_association!, contextId, sopClass!, sopInstance!, transferSyntax, command.MessageId,
            command.Priority, command.MoveOriginatorApplicationEntityTitle, command.MoveOriginatorMessageId);
        IStoreInstanceSink sink;
        try
        {
            sink = await handler.Provider.BeginStoreAsync(context, _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_cancellationToken.IsCancellationRequested)
        {
            // PS3.4 B.2.3: the instance cannot be stored; the sender gets "out of resources" and may retry.
            _pending = PendingMessage.Discard(command, contextId, StoreMessages.CreateResponse(command, DimseStatus.OutOfResources, e.Message));
            return;
        }

        _pending = PendingMessage.Store(command, contextId, sink);
    }

    /// <summary>
    /// N-ACTION-RQ: only "Request Storage Commitment" on the Storage Commitment Push Model's well-known instance (PS3.4
    /// J.3.2); its data set is collected and handed to the provider, and the report channel opens after the N-ACTION-RSP.
    /// </summary>
    private async ValueTask BeginActionAsync(CommandSet command, byte contextId)
    {
        var (abstractSyntax, transferSyntax) = _contexts[contextId];
        (DimseStatus Status, string Comment)? refusal =
            abstractSyntax != NetworkUids.StorageCommitmentPushModel || command.RequestedSopClassUid != NetworkUids.StorageCommitmentPushModel
                ? (DimseStatus.NoSuchSopClass, "Only the Storage Commitment Push Model SOP class takes N-ACTION")
            : command.RequestedSopInstanceUid != NetworkUids.StorageCommitmentPushModelInstance
                ? (DimseStatus.InvalidSopInstance, "Requested SOP Instance is not 1.2.840.10008.1.20.1.1")
            : command.ActionTypeId != StorageCommitmentRequest.ActionTypeId
                ? (DimseStatus.NoSuchActionType, "Only action type 1 (request storage commitment)")
            : !command.HasDataSet
                ? (DimseStatus.MissingAttribute, "N-ACTION-RQ without a data set")
            : null;
        if (refusal is { } r)
        {
            var response = NActionMessages.CreateResponse(command, r.Status, r.Comment);
            if (command.HasDataSet)
            {
                _pending = PendingMessage.Discard(command, contextId, response);
            }
            else
            {
                await SendResponseAsync(contextId, response).ConfigureAwait(false);
            }

            return;
        }

        var channel = new ScpEventReportChannel(this, contextId, transferSyntax);
        _pending = PendingMessage.Collect(command, contextId, MaxActionDataSetLength,
            NActionMessages.CreateResponse(command, DimseStatus.ProcessingFailure, "N-ACTION data set too large"),
            (data, cancellationToken) => RequestCommitmentAsync(command, data, transferSyntax, channel, cancellationToken),
            channel.ResponseSent);
    }

    private async ValueTask<CommandSet> RequestCommitmentAsync(CommandSet command, ReadOnlyMemory<byte> data, string transferSyntax,
        IEventReportChannel channel, CancellationToken cancellationToken)
    {
        StorageCommitmentRequest request;
        try
        {
            request = StorageCommitmentRequest.Decode(data, transferSyntax);
        }
        catch (StorageCommitmentFormatException e)
        {
            return NActionMessages.CreateResponse(command, e.IsMissing ? DimseStatus.MissingAttribute : DimseStatus.InvalidArgumentValue, e.Message);
        }

        try
        {
            var status = await handler.Provider.OnStorageCommitmentRequestedAsync(new StorageCommitmentRequestContext(_association!, request, channel), cancellationToken).ConfigureAwait(false);
            return NActionMessages.CreateResponse(command, status, status.IsSuccess ? null : "The storage commitment request was not accepted");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The request could not be recorded (e.g. its store is unavailable): the sender may ask again.
            return NActionMessages.CreateResponse(command, DimseStatus.ProcessingFailure, e.Message);
        }
    }

    /// <summary>Sends an N-EVENT-REPORT-RQ from any task and waits for its response; null when the association is gone.</summary>
    internal async Task<DimseStatus?> SendEventReportAsync(byte contextId, CommandSet request, byte[] dataSet, CancellationToken cancellationToken)
    {
        TaskCompletionSource<DimseStatus?> answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_machineLock)
            {
                if (_closed || _machine.State != AssociationState.Established)
                {
                    return null;
                }

                _machine.Fire(AssociationEvent.LocalDataRequest);
            }

            _nextMessageId = (ushort)(_nextMessageId == ushort.MaxValue ? 1 : _nextMessageId + 1);
            request.MessageId = _nextMessageId;
            lock (_outstandingReports)
            {
                _outstandingReports[request.MessageId] = answered;
            }

            await _connection.SendCommandAsync(contextId, request, _sendMax, Options.WriteTimeout, cancellationToken).ConfigureAwait(false);
            await _connection.SendDataSetAsync(contextId, dataSet, _sendMax, Options.WriteTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            TakeOutstandingReport(request.MessageId);
            return null;
        }
        finally
        {
            _sendLock.Release();
        }

        using (cancellationToken.Register(() => answered.TrySetCanceled(cancellationToken)))
        {
            return await answered.Task.ConfigureAwait(false);
        }
    }

    private TaskCompletionSource<DimseStatus?>? TakeOutstandingReport(ushort messageId)
    {
        lock (_outstandingReports)
        {
            return _outstandingReports.Remove(messageId, out var report) ? report : null;
        }
    }

    /// <summary>No more reports on this association: waiting senders learn it is gone (null) and report elsewhere.</summary>
    private async ValueTask CloseChannelAsync()
    {
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        _closed = true;
        _sendLock.Release();
        lock (_outstandingReports)
        {
            foreach (var report in _outstandingReports.Values)
            {
                report.TrySetResult(null);
            }

            _outstandingReports.Clear();
        }
    }

    /// <summary>Sends one response whole (PS3.8 E.1), unless the association is no longer established.</summary>
    private async ValueTask SendResponseAsync(byte contextId, CommandSet response)
    {
        await _sendLock.WaitAsync(_cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_machineLock)
            {
                if (_machine.State is not (AssociationState.Established or AssociationState.AwaitingLocalReleaseResponse))
                {
                    return;
                }

                _machine.Fire(AssociationEvent.LocalDataRequest);
            }

            await _connection.SendCommandAsync(contextId, response, _sendMax, Options.WriteTimeout, _cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendLockedAsync(Action<System.Buffers.IBufferWriter<byte>> write)
    {
        await _sendLock.WaitAsync(_cancellationToken).ConfigureAwait(false);
        try
        {
            await _connection.SendAsync(write, Options.WriteTimeout, _cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask TrySendAbortLockedAsync(AbortSource source, AbortReason reason)
    {
        // A response stuck in a flush holds the lock for at most the write timeout; the abort is best effort anyway.
        if (!await _sendLock.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await _connection.TrySendAbortAsync(source, reason).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private AssociationAction Fire(AssociationEvent evt)
    {
        lock (_machineLock)
        {
            return _machine.Fire(evt);
        }
    }

    /// <summary>Waits for every C-STORE completing off the receive loop (their responses sent or dropped).</summary>
    private async ValueTask DrainCompletionsAsync()
    {
        if (_completions.Count > 0)
        {
            await Task.WhenAll(_completions).ConfigureAwait(false);
            _completions.Clear();
        }
    }

    private void ThrowIfSendFailed()
    {
        if (_sendFailure is { } failure)
        {
            throw failure is TimeoutException
                ? new TimeoutException($"A response could not be sent: {failure.Message}", failure)
                : new IOException($"A response could not be sent: {failure.Message}", failure);
        }
    }

    private async ValueTask DiscardPendingAsync()
    {
        var pending = _pending;
        _pending = null;
        if (pending is not null)
        {
            await pending.AbortAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask LocalAbortAsync(AbortSource source, AbortReason reason, string detail)
    {
        if (_machine.State is AssociationState.Idle or AssociationState.AwaitingTransportClose)
        {
            return;
        }

        var action = Fire(AssociationEvent.LocalAbort);
        if (action == AssociationAction.SendAbort)
        {
            await TrySendAbortLockedAsync(source, reason).ConfigureAwait(false);
        }

        _abort ??= new AssociationAbortInfo(source, reason, ByPeer: false, detail);
    }

    private async ValueTask ProviderAbortAsync(AbortReason reason, string detail)
    {
        Fire(AssociationEvent.InvalidPduReceived);
        await TrySendAbortLockedAsync(AbortSource.ServiceProvider, reason).ConfigureAwait(false);
        _abort = new AssociationAbortInfo(AbortSource.ServiceProvider, reason, ByPeer: false, detail);
    }

    private void TransportLost(string detail)
    {
        lock (_machineLock)
        {
            if (_machine.State != AssociationState.Idle)
            {
                _machine.Fire(AssociationEvent.TransportClosed);
            }
        }

        _abort ??= new AssociationAbortInfo(AbortSource.ServiceProvider, AbortReason.NotSpecified, ByPeer: true, detail);
    }

    private static AssociationEvent EventFor(PduType type) => type switch
    {
        PduType.AssociateRequest => AssociationEvent.AssociateRequestReceived,
        PduType.AssociateAccept => AssociationEvent.AssociateAcceptReceived,
        PduType.AssociateReject => AssociationEvent.AssociateRejectReceived,
        PduType.DataTransfer => AssociationEvent.DataReceived,
        PduType.ReleaseRequest => AssociationEvent.ReleaseRequestReceived,
        PduType.ReleaseResponse => AssociationEvent.ReleaseResponseReceived,
        _ => AssociationEvent.AbortReceived,
    };
}
