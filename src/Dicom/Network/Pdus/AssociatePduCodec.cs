using System.Buffers;
using System.Text;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>The parts A-ASSOCIATE-RQ and -AC share: fixed header fields and the item list (PS3.8 9.3.2, 9.3.3).</summary>
internal static class AssociatePduCodec
{
    internal sealed class Fields
    {
        public ushort ProtocolVersion { get; set; }

        public string CalledAeTitle { get; set; } = string.Empty;

        public string CallingAeTitle { get; set; } = string.Empty;

        public string? ApplicationContextName { get; set; }

        public List<PresentationContextRequestItem> RequestedContexts { get; } = [];

        public List<PresentationContextAcceptItem> AcceptedContexts { get; } = [];

        public UserInformationItem UserInformation { get; set; } = new();
    }

    public static Fields Parse(ReadOnlySequence<byte> body, bool isRequest)
    {
        var reader = new PduBodyReader(body);
        var fields = new Fields
        {
            ProtocolVersion = reader.ReadUInt16(),
        };
        reader.Skip(2);
        fields.CalledAeTitle = reader.ReadAscii(16);
        fields.CallingAeTitle = reader.ReadAscii(16);
        reader.Skip(32);

        var seenIds = new HashSet<byte>();
        var sawUserInformation = false;
        while (!reader.End)
        {
            var item = reader.ReadItem(out var type);
            switch (type)
            {
                case ItemType.ApplicationContext:
                    if (fields.ApplicationContextName is not null)
                    {
                        throw new PduFormatException("More than one application context item.", AbortReason.UnexpectedPduParameter);
                    }

                    fields.ApplicationContextName = PduBodyReader.DecodeAscii(item);
                    break;
                case ItemType.PresentationContextRequest when isRequest:
                    var requested = ParseRequestedContext(item);
                    if (!seenIds.Add(requested.Id))
                    {
                        throw new PduFormatException($"Presentation context id {requested.Id} appears twice.", AbortReason.InvalidPduParameterValue);
                    }

                    fields.RequestedContexts.Add(requested);
                    break;
                case ItemType.PresentationContextAccept when !isRequest:
                    var accepted = ParseAcceptedContext(item);
                    if (!seenIds.Add(accepted.Id))
                    {
                        throw new PduFormatException($"Presentation context id {accepted.Id} appears twice.", AbortReason.InvalidPduParameterValue);
                    }

                    fields.AcceptedContexts.Add(accepted);
                    break;
                case ItemType.PresentationContextRequest or ItemType.PresentationContextAccept:
                    throw new PduFormatException($"Presentation context item 0x{type:X2} in the wrong PDU.", AbortReason.UnexpectedPduParameter);
                case ItemType.UserInformation:
                    if (sawUserInformation)
                    {
                        throw new PduFormatException("More than one user information item.", AbortReason.UnexpectedPduParameter);
                    }

                    sawUserInformation = true;
                    fields.UserInformation = ParseUserInformation(item);
                    break;
                default:
                    // PS3.8 9.3.1: items of unrecognized type are ignored.
                    break;
            }
        }

        if (fields.ApplicationContextName is null)
        {
            throw new PduFormatException("Missing application context item.", AbortReason.InvalidPduParameterValue);
        }

        return fields;
    }

    private static PresentationContextRequestItem ParseRequestedContext(ReadOnlySequence<byte> item)
    {
        var reader = new PduBodyReader(item);
        var id = reader.ReadByte();
        if (id % 2 == 0)
        {
            throw new PduFormatException($"Presentation context id {id} is not odd.", AbortReason.InvalidPduParameterValue);
        }

        reader.Skip(3);
        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (!reader.End)
        {
            var sub = reader.ReadItem(out var type);
            switch (type)
            {
                case ItemType.AbstractSyntax when abstractSyntax is null:
                    abstractSyntax = PduBodyReader.DecodeAscii(sub);
                    break;
                case ItemType.AbstractSyntax:
                    throw new PduFormatException($"Presentation context {id} has two abstract syntaxes.", AbortReason.UnexpectedPduParameter);
                case ItemType.TransferSyntax:
                    transferSyntaxes.Add(PduBodyReader.DecodeAscii(sub));
                    break;
                default:
                    throw new PduFormatException($"Unexpected sub-item 0x{type:X2} in presentation context {id}.", AbortReason.UnrecognizedPduParameter);
            }
        }

        if (abstractSyntax is null || transferSyntaxes.Count == 0)
        {
            throw new PduFormatException($"Presentation context {id} lacks an abstract or a transfer syntax.", AbortReason.InvalidPduParameterValue);
        }

        return new PresentationContextRequestItem(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAcceptItem ParseAcceptedContext(ReadOnlySequence<byte> item)
    {
        var reader = new PduBodyReader(item);
        var id = reader.ReadByte();
        reader.Skip(1);
        var result = reader.ReadByte();
        reader.Skip(1);
        if (id % 2 == 0 || result > (byte)PresentationContextResult.TransferSyntaxesNotSupported)
        {
            throw new PduFormatException($"Invalid presentation context id {id} or result {result}.", AbortReason.InvalidPduParameterValue);
        }

        var transferSyntax = string.Empty;
        while (!reader.End)
        {
            var sub = reader.ReadItem(out var type);
            if (type != ItemType.TransferSyntax)
            {
                throw new PduFormatException($"Unexpected sub-item 0x{type:X2} in accepted context {id}.", AbortReason.UnrecognizedPduParameter);
            }

            transferSyntax = PduBodyReader.DecodeAscii(sub);
        }

        if (result == 0 && transferSyntax.Length == 0)
        {
            throw new PduFormatException($"Accepted presentation context {id} has no transfer syntax.", AbortReason.InvalidPduParameterValue);
        }

        return new PresentationContextAcceptItem(id, (PresentationContextResult)result, transferSyntax);
    }

    private static UserInformationItem ParseUserInformation(ReadOnlySequence<byte> item)
    {
        var reader = new PduBodyReader(item);
        var info = new UserInformationItem();
        var roles = new List<RoleSelectionItem>();
        var extended = new List<SopClassExtendedNegotiationItem>();
        var common = new List<SopClassCommonExtendedNegotiationItem>();
        while (!reader.End)
        {
            var sub = reader.ReadItem(out var type);
            var subReader = new PduBodyReader(sub);
            switch (type)
            {
                case ItemType.MaximumLength:
                    info = info with { MaximumLength = subReader.ReadUInt32() };
                    break;
                case ItemType.ImplementationClassUid:
                    info = info with { ImplementationClassUid = PduBodyReader.DecodeAscii(sub) };
                    subReader = default;
                    break;
                case ItemType.ImplementationVersionName:
                    info = info with { ImplementationVersionName = PduBodyReader.DecodeAscii(sub) };
                    subReader = default;
                    break;
                case ItemType.AsynchronousOperationsWindow:
                    info = info with { AsynchronousOperationsWindow = new AsynchronousOperationsWindow(subReader.ReadUInt16(), subReader.ReadUInt16()) };
                    break;
                case ItemType.RoleSelection:
                    var uid = subReader.ReadAscii(subReader.ReadUInt16());
                    var scu = subReader.ReadByte();
                    var scp = subReader.ReadByte();
                    if (scu > 1 || scp > 1)
                    {
                        throw new PduFormatException($"Role selection for {uid} has invalid role values {scu}/{scp}.", AbortReason.InvalidPduParameterValue);
                    }

                    roles.Add(new RoleSelectionItem(uid, scu == 1, scp == 1));
                    break;
                case ItemType.SopClassExtendedNegotiation:
                    var sopClass = subReader.ReadAscii(subReader.ReadUInt16());
                    extended.Add(new SopClassExtendedNegotiationItem(sopClass, subReader.ReadBytes((int)subReader.Remaining)));
                    subReader = default;
                    break;
                case ItemType.SopClassCommonExtendedNegotiation:
                    common.Add(ParseCommonExtended(ref subReader));
                    break;
                case ItemType.UserIdentityRequest:
                    var identityType = subReader.ReadByte();
                    var positive = subReader.ReadByte();
                    var primary = subReader.ReadBytes(subReader.ReadUInt16());
                    var secondary = subReader.ReadBytes(subReader.ReadUInt16());
                    if (identityType is < 1 or > 5)
                    {
                        throw new PduFormatException($"Unknown user identity type {identityType}.", AbortReason.InvalidPduParameterValue);
                    }

                    info = info with { UserIdentityRequest = new UserIdentityRequestItem((UserIdentityType)identityType, positive == 1, primary, secondary) };
                    break;
                case ItemType.UserIdentityAccept:
                    info = info with { UserIdentityAccept = new UserIdentityAcceptItem(subReader.ReadBytes(subReader.ReadUInt16())) };
                    break;
                default:
                    // PS3.7 D.3.3: unrecognized user information sub-items are ignored.
                    subReader = default;
                    break;
            }

            if (!subReader.End)
            {
                throw new PduFormatException($"User information sub-item 0x{type:X2} has {subReader.Remaining} trailing bytes.", AbortReason.InvalidPduParameterValue);
            }
        }

        return info with
        {
            RoleSelections = roles,
            SopClassExtendedNegotiations = extended,
            SopClassCommonExtendedNegotiations = common,
        };
    }

    private static SopClassCommonExtendedNegotiationItem ParseCommonExtended(ref PduBodyReader reader)
    {
        var sopClass = reader.ReadAscii(reader.ReadUInt16());
        var serviceClass = reader.ReadAscii(reader.ReadUInt16());
        var listLength = reader.ReadUInt16();
        var list = new PduBodyReader(reader.ReadSlice(listLength));
        var related = new List<string>();
        while (!list.End)
        {
            related.Add(list.ReadAscii(list.ReadUInt16()));
        }

        return new SopClassCommonExtendedNegotiationItem(sopClass, serviceClass, related);
    }

    public static int WriteHeader(PduBuilder builder, PduType type, ushort protocolVersion, string called, string calling, string applicationContext)
    {
        var pdu = builder.BeginPdu(type);
        builder.UInt16(protocolVersion);
        builder.Zeros(2);
        builder.AeTitle(called);
        builder.AeTitle(calling);
        builder.Zeros(32);
        builder.StringItem(ItemType.ApplicationContext, applicationContext);
        return pdu;
    }

    public static void WriteUserInformation(PduBuilder builder, UserInformationItem info)
    {
        var item = builder.BeginItem(ItemType.UserInformation);
        var sub = builder.BeginItem(ItemType.MaximumLength);
        builder.UInt32(info.MaximumLength);
        builder.EndItem(sub);
        builder.StringItem(ItemType.ImplementationClassUid, info.ImplementationClassUid);
        if (info.AsynchronousOperationsWindow is { } window)
        {
            sub = builder.BeginItem(ItemType.AsynchronousOperationsWindow);
            builder.UInt16(window.MaximumOperationsInvoked);
            builder.UInt16(window.MaximumOperationsPerformed);
            builder.EndItem(sub);
        }

        foreach (var role in info.RoleSelections)
        {
            sub = builder.BeginItem(ItemType.RoleSelection);
            WriteUid(builder, role.SopClassUid);
            builder.Byte(role.ScuRole ? (byte)1 : (byte)0);
            builder.Byte(role.ScpRole ? (byte)1 : (byte)0);
            builder.EndItem(sub);
        }

        if (info.ImplementationVersionName is { } version)
        {
            builder.StringItem(ItemType.ImplementationVersionName, version);
        }

        foreach (var negotiation in info.SopClassExtendedNegotiations)
        {
            sub = builder.BeginItem(ItemType.SopClassExtendedNegotiation);
            WriteUid(builder, negotiation.SopClassUid);
            builder.Bytes(negotiation.ServiceClassApplicationInformation);
            builder.EndItem(sub);
        }

        foreach (var negotiation in info.SopClassCommonExtendedNegotiations)
        {
            sub = builder.BeginItem(ItemType.SopClassCommonExtendedNegotiation);
            WriteUid(builder, negotiation.SopClassUid);
            WriteUid(builder, negotiation.ServiceClassUid);
            var listLength = negotiation.RelatedGeneralSopClassUids.Sum(uid => 2 + Encoding.ASCII.GetByteCount(uid));
            builder.UInt16(checked((ushort)listLength));
            foreach (var related in negotiation.RelatedGeneralSopClassUids)
            {
                WriteUid(builder, related);
            }

            builder.EndItem(sub);
        }

        if (info.UserIdentityRequest is { } identity)
        {
            sub = builder.BeginItem(ItemType.UserIdentityRequest);
            builder.Byte((byte)identity.Type);
            builder.Byte(identity.PositiveResponseRequested ? (byte)1 : (byte)0);
            builder.UInt16(checked((ushort)identity.PrimaryField.Length));
            builder.Bytes(identity.PrimaryField);
            builder.UInt16(checked((ushort)identity.SecondaryField.Length));
            builder.Bytes(identity.SecondaryField);
            builder.EndItem(sub);
        }

        if (info.UserIdentityAccept is { } accept)
        {
            sub = builder.BeginItem(ItemType.UserIdentityAccept);
            builder.UInt16(checked((ushort)accept.ServerResponse.Length));
            builder.Bytes(accept.ServerResponse);
            builder.EndItem(sub);
        }

        builder.EndItem(item);
    }

    private static void WriteUid(PduBuilder builder, string uid)
    {
        builder.UInt16(checked((ushort)Encoding.ASCII.GetByteCount(uid)));
        builder.Ascii(uid);
    }
}
