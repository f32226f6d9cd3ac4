using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// DICOM SCU: opens associations (TCP_NODELAY, optional TLS), C-ECHO, and C-STORE of Part 10 files streamed from disk,
/// with several files per association, several associations in parallel, and progress per file.
/// </summary>
public sealed class DicomClient(DicomClientOptions options)
{
    /// <summary>At most 128 presentation contexts fit one association: their ids are the odd numbers 1..255 (PS3.8 9.3.2.2).</summary>
    public const int MaxPresentationContexts = 128;

    public DicomClientOptions Options { get; } = options;

    /// <summary>Connects and negotiates; throws <see cref="DicomNetworkException"/> with the rejection when rejected.</summary>
    public Task<DicomClientAssociation> ConnectAsync(string host, int port, IReadOnlyList<PresentationContextRequestItem> contexts, CancellationToken cancellationToken) =>
        ConnectAsync(host, port, contexts, [], cancellationToken);

    /// <summary>
    /// Connects and negotiates, proposing SCP/SCU role selection sub-items (PS3.7 D.3.3.4), e.g. the SCP role for the
    /// Storage Commitment Push Model when this requestor sends the report.
    /// </summary>
    public async Task<DicomClientAssociation> ConnectAsync(string host, int port, IReadOnlyList<PresentationContextRequestItem> contexts,
        IReadOnlyList<RoleSelectionItem> roleSelections, CancellationToken cancellationToken)
    {
        var machine = new AssociationStateMachine(isRequestor: true);
        machine.Fire(AssociationEvent.LocalAssociateRequest);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(Options.ConnectTimeout);
                await socket.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
            }

            stream = new NetworkStream(socket, ownsSocket: true);
            if (Options.UseTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                handshake.CancelAfter(Options.ConnectTimeout);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = Options.TlsTargetHost ?? host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificates = Options.ClientCertificate is null ? null : [Options.ClientCertificate],
                    RemoteCertificateValidationCallback = ValidateServerCertificate,
                }, handshake.Token).ConfigureAwait(false);
            }

            machine.Fire(AssociationEvent.TransportConnectConfirm);
            var pipe = DuplexPipe.FromStream(stream);
            var connection = new PduConnection(pipe);
            var request = new AssociateRequestPdu(Options.CalledAeTitle, Options.CallingAeTitle, contexts, new UserInformationItem
            {
                MaximumLength = Options.Association.MaxPduLength,
                ImplementationClassUid = Options.Association.ImplementationClassUid,
                ImplementationVersionName = Options.Association.ImplementationVersionName,
                AsynchronousOperationsWindow = Options.Association.AsyncOperations is { IsAsynchronous: true } window
                    ? new AsynchronousOperationsWindow(window.Invoked, window.Performed)
                    : null,
                RoleSelections = roleSelections,
            });
            await connection.SendAsync(request.WriteTo, Options.Association.WriteTimeout, cancellationToken).ConfigureAwait(false);

            AssociateAcceptPdu? accept = null;
            AssociateRejectPdu? reject = null;
            AbortPdu? abort = null;
            var ok = await connection.ReceiveAsync(Options.Association.MaxAssociatePduLength, Options.AcseTimeout, (type, body) =>
            {
                switch (type)
                {
                    case PduType.AssociateAccept: accept = AssociateAcceptPdu.Parse(body); break;
                    case PduType.AssociateReject: reject = AssociateRejectPdu.Parse(body); break;
                    case PduType.Abort: abort = AbortPdu.Parse(body); break;
                    default: throw new PduFormatException($"Unexpected {type} PDU in reply to A-ASSOCIATE-RQ.", AbortReason.UnexpectedPdu);
                }

                return ValueTask.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);

            if (accept is not null)
            {
                machine.Fire(AssociationEvent.AssociateAcceptReceived);
                var association = new DicomClientAssociation(stream, connection, machine, Options, request, accept);
                stream = null;
                return association;
            }

            connection.Dispose();
            if (reject is not null)
            {
                throw new DicomNetworkException($"Association rejected: result {reject.Result}, source {reject.Source}, reason {(byte)reject.Reason}.", reject);
            }

            if (abort is not null)
            {
                throw new DicomNetworkException($"Association aborted by the peer: source {abort.Source}, reason {abort.Reason}.", abort);
            }

            throw new DicomNetworkException(ok ? "No reply to A-ASSOCIATE-RQ." : "The peer closed the connection instead of answering A-ASSOCIATE-RQ.");
        }
        catch (Exception e) when (e is PduFormatException or TimeoutException or IOException or SocketException or AuthenticationException)
        {
            throw new DicomNetworkException($"Association with {host}:{port} failed: {e.Message}", e);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else if (!socket.Connected)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Opens an association proposing Verification only, sends C-ECHO and releases.</summary>
    public async Task<Dimse.DimseStatus> EchoAsync(string host, int port, CancellationToken cancellationToken)
    {
        var association = await ConnectAsync(host, port,
            [new PresentationContextRequestItem(1, NetworkUids.Verification, [NetworkUids.ImplicitVrLittleEndian])], cancellationToken).ConfigureAwait(false);
        await using (association.ConfigureAwait(false))
        {
            var status = await association.EchoAsync(cancellationToken).ConfigureAwait(false);
            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return status;
        }
    }

    /// <summary>
    /// Verification, then for each file's SOP class one context per transfer syntax (one syntax each, so the peer decides
    /// per syntax): the file's own syntax and, for uncompressed files, the fallbacks Explicit and Implicit VR Little Endian
    /// (<see cref="DataSetTranscoder.FallbackSyntaxes"/>). A file is sent in its own syntax when the peer accepts it.
    /// </summary>
    public static IReadOnlyList<PresentationContextRequestItem> ProposeContexts(IEnumerable<Part10FileInfo> files)
    {
        var contexts = new List<PresentationContextRequestItem>
        {
            new(1, NetworkUids.Verification, [NetworkUids.ImplicitVrLittleEndian, NetworkUids.ExplicitVrLittleEndian]),
        };
        var proposed = new HashSet<(string, string)>();
        foreach (var pair in files.SelectMany(ContextsFor))
        {
            if (!proposed.Add(pair))
            {
                continue;
            }

            if (contexts.Count == MaxPresentationContexts)
            {
                throw new ArgumentException($"The files need more than {MaxPresentationContexts} presentation contexts; split them.", nameof(files));
            }

            contexts.Add(new PresentationContextRequestItem((byte)(contexts.Count * 2 + 1), pair.SopClassUid, [pair.TransferSyntaxUid]));
        }

        return contexts;
    }

    /// <summary>The (SOP class, transfer syntax) contexts proposed for one file: its own syntax first, then the fallbacks.</summary>
    public static IEnumerable<(string SopClassUid, string TransferSyntaxUid)> ContextsFor(Part10FileInfo file)
    {
        yield return (file.SopClassUid, file.TransferSyntaxUid);
        if (DataSetTranscoder.CanTranscode(file.TransferSyntaxUid))
        {
            foreach (var fallback in DataSetTranscoder.FallbackSyntaxes)
            {
                if (fallback != file.TransferSyntaxUid)
                {
                    yield return (file.SopClassUid, fallback);
                }
            }
        }
    }

    /// <summary>
    /// Reads the Part 10 header of each path, then sends as <see cref="StoreFilesAsync(string, int, IReadOnlyList{Part10FileInfo}, int, IProgress{StoreResult}?, CancellationToken)"/>.
    /// A path that is not a readable Part 10 file yields a result with its error (reported to <paramref name="progress"/> too).
    /// </summary>
    public async Task<IReadOnlyList<StoreResult>> StoreFilesAsync(string host, int port, IEnumerable<string> paths, int associations,
        IProgress<StoreResult>? progress, CancellationToken cancellationToken)
    {
        var results = new List<StoreResult>();
        var files = new List<Part10FileInfo>();
        foreach (var path in paths)
        {
            try
            {
                files.Add(Part10FileInfo.Read(path));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                var unreadable = new StoreResult(path, null, null, e.Message);
                results.Add(unreadable);
                progress?.Report(unreadable);
            }
        }

        results.AddRange(await StoreFilesAsync(host, port, files, associations, progress, cancellationToken).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// Sends the files over up to <paramref name="associations"/> parallel associations, each carrying a contiguous share
    /// of about equal bytes (<see cref="StorePartitioner.ByBytes"/>), pipelined within each association when the peer
    /// grants the window proposed by <see cref="AssociationOptions.AsyncOperations"/>
    /// (<see cref="DicomClientAssociation.StoreFilesAsync"/>). A share whose files need more presentation contexts
    /// than one association can propose goes over several associations, one after the other
    /// (<see cref="StorePartitioner.ByContexts"/>). A file that cannot be sent yields a result with its error; the others
    /// go on. Each file's result is reported to <paramref name="progress"/> as soon as it is known, from the sending
    /// tasks (concurrently when there are several associations).
    /// </summary>
    public async Task<IReadOnlyList<StoreResult>> StoreFilesAsync(string host, int port, IReadOnlyList<Part10FileInfo> files, int associations,
        IProgress<StoreResult>? progress, CancellationToken cancellationToken)
    {
        var shares = StorePartitioner.ByBytes(files, Math.Max(1, associations));
        var sent = await Task.WhenAll(shares.Select(share => StoreShareAsync(host, port, share, progress, cancellationToken))).ConfigureAwait(false);
        return sent.SelectMany(r => r).ToList();
    }

    private async Task<List<StoreResult>> StoreShareAsync(string host, int port, IReadOnlyList<Part10FileInfo> files, IProgress<StoreResult>? progress,
        CancellationToken cancellationToken)
    {
        var results = new List<StoreResult>(files.Count);
        void Add(StoreResult result)
        {
            results.Add(result);
            progress?.Report(result);
        }

        foreach (var group in StorePartitioner.ByContexts(files))
        {
            DicomClientAssociation association;
            try
            {
                association = await ConnectAsync(host, port, ProposeContexts(group), cancellationToken).ConfigureAwait(false);
            }
            catch (DicomNetworkException e)
            {
                foreach (var file in group)
                {
                    Add(new StoreResult(file.Path, file.SopInstanceUid, null, e.Message, file.Length));
                }

                continue;
            }

            await using (association.ConfigureAwait(false))
            {
                await association.StoreFilesAsync(group, Add, cancellationToken).ConfigureAwait(false);
                if (association.IsOpen)
                {
                    await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        if (Options.TrustedServerRoots.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        return CertificateChains.ChainsTo(certificate, Options.TrustedServerRoots);
    }
}
