using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>
/// The acceptor's negotiation rules: AE title checks (PS3.8 9.3.4 reasons), accepted abstract syntaxes and how a
/// transfer syntax is picked. Storage contexts take the first transfer syntax the sender proposes, since we store
/// the bytes as received; Verification prefers the uncompressed syntaxes.
/// </summary>
public sealed class AssociationPolicy
{
    public string AeTitle { get; init; } = "IMAGINGGW";

    public bool CheckCalledAeTitle { get; init; }

    /// <summary>Calling AE titles allowed to associate; empty means any.</summary>
    public IReadOnlySet<string> AllowedCallingAeTitles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Which abstract syntaxes we accept; by default Verification and every storage SOP class.</summary>
    public Func<string, bool> IsAbstractSyntaxAccepted { get; init; } =
        uid => uid == NetworkUids.Verification || SopClasses.IsStorage(uid);

    /// <summary>Optional restriction on transfer syntaxes; null accepts any well-formed one.</summary>
    public Func<string, bool>? IsTransferSyntaxAccepted { get; init; }

    /// <summary>
    /// Whether a C-STORE's Affected SOP Instance UID is acceptable; refused ones get 0117 (invalid SOP instance).
    /// By default the UID grammar of PS3.5 9.1, since the UID ends up in storage keys.
    /// </summary>
    public Func<string, bool> IsSopInstanceUidAccepted { get; init; } = DicomUidRules.IsValid;

    /// <summary>
    /// Whether the requestor may take the SCP role of a SOP class it proposes one for (PS3.7 D.3.3.4); by default none,
    /// since this acceptor performs every service it accepts. The SCU role is always granted when proposed.
    /// </summary>
    public Func<string, bool> IsRequestorScpRoleAccepted { get; init; } = _ => false;

    /// <summary>
    /// Answers each SCP/SCU role selection sub-item whose SOP class has an accepted context (PS3.7 D.3.3.4): a role is
    /// granted only when proposed and allowed. Sub-items for other SOP classes are not answered, so default roles apply.
    /// </summary>
    public IReadOnlyList<RoleSelectionItem> NegotiateRoles(
        IReadOnlyList<RoleSelectionItem> proposed, IReadOnlyList<PresentationContextRequestItem> contexts, IReadOnlyList<PresentationContextAcceptItem> answers)
    {
        var accepted = answers.Where(a => a.Result == PresentationContextResult.Acceptance)
            .Select(a => contexts.First(c => c.Id == a.Id).AbstractSyntax)
            .ToHashSet(StringComparer.Ordinal);
        return proposed
            .Where(r => accepted.Contains(r.SopClassUid))
            .DistinctBy(r => r.SopClassUid)
            .Select(r => new RoleSelectionItem(r.SopClassUid, r.ScuRole, r.ScpRole && IsRequestorScpRoleAccepted(r.SopClassUid)))
            .ToList();
    }

    /// <summary>Checks the association as a whole: protocol version, application context, AE titles (PS3.8 9.3.4).</summary>
    public AssociationDecision Examine(AssociateRequestPdu request)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceProviderAcse, AssociateRejectReason.ProtocolVersionNotSupported);
        }

        if (request.ApplicationContextName != AssociateRequestPdu.DicomApplicationContext)
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.ApplicationContextNameNotSupported);
        }

        // PS3.5 6.2 (VR AE): a title with control characters, bytes outside ASCII, a backslash, or only spaces cannot
        // be a title; refusing it here keeps it out of the store's records and the logs.
        if (!DicomAeTitleRules.IsValid(request.CallingAeTitle))
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CallingAeTitleNotRecognized);
        }

        if (!DicomAeTitleRules.IsValid(request.CalledAeTitle))
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CalledAeTitleNotRecognized);
        }

        if (CheckCalledAeTitle && !string.Equals(request.CalledAeTitle, AeTitle, StringComparison.Ordinal))
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CalledAeTitleNotRecognized);
        }

        if (AllowedCallingAeTitles.Count > 0 && !AllowedCallingAeTitles.Contains(request.CallingAeTitle))
        {
            return AssociationDecision.Reject(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CallingAeTitleNotRecognized);
        }

        return AssociationDecision.Accept;
    }

    /// <summary>Answers every proposed presentation context (PS3.8 9.3.3.2).</summary>
    public IReadOnlyList<PresentationContextAcceptItem> NegotiateContexts(IReadOnlyList<PresentationContextRequestItem> proposed)
    {
        var answers = new List<PresentationContextAcceptItem>(proposed.Count);
        foreach (var context in proposed)
        {
            if (!IsAbstractSyntaxAccepted(context.AbstractSyntax))
            {
                answers.Add(new PresentationContextAcceptItem(context.Id, PresentationContextResult.AbstractSyntaxNotSupported, context.TransferSyntaxes[0]));
                continue;
            }

            var candidates = context.TransferSyntaxes
                .Where(ts => DicomUidRules.IsValid(ts) && (IsTransferSyntaxAccepted?.Invoke(ts) ?? true))
                .ToList();
            if (candidates.Count == 0)
            {
                answers.Add(new PresentationContextAcceptItem(context.Id, PresentationContextResult.TransferSyntaxesNotSupported, context.TransferSyntaxes[0]));
                continue;
            }

            var chosen = context.AbstractSyntax == NetworkUids.Verification
                ? candidates.FirstOrDefault(IsUncompressed) ?? candidates[0]
                : candidates[0];
            answers.Add(new PresentationContextAcceptItem(context.Id, PresentationContextResult.Acceptance, chosen));
        }

        return answers;
    }

    private static bool IsUncompressed(string ts) =>
        ts is NetworkUids.ImplicitVrLittleEndian or NetworkUids.ExplicitVrLittleEndian or NetworkUids.ExplicitVrBigEndian;
}
