namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// User information item 0x50 (PS3.8 9.3.2.3, PS3.7 Annex D) with its sub-items. <see cref="MaximumLength"/> is
/// the largest P-DATA-TF variable field the sender can receive; 0 means no limit (PS3.8 D.1).
/// </summary>
public sealed record UserInformationItem
{
    public uint MaximumLength { get; init; }

    public string ImplementationClassUid { get; init; } = string.Empty;

    public string? ImplementationVersionName { get; init; }

    public AsynchronousOperationsWindow? AsynchronousOperationsWindow { get; init; }

    public IReadOnlyList<RoleSelectionItem> RoleSelections { get; init; } = [];

    public IReadOnlyList<SopClassExtendedNegotiationItem> SopClassExtendedNegotiations { get; init; } = [];

    public IReadOnlyList<SopClassCommonExtendedNegotiationItem> SopClassCommonExtendedNegotiations { get; init; } = [];

    public UserIdentityRequestItem? UserIdentityRequest { get; init; }

    public UserIdentityAcceptItem? UserIdentityAccept { get; init; }
}
