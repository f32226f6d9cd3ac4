using System.Buffers;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-AC PDU (PS3.8 9.3.3). Same fixed layout as the A-ASSOCIATE-RQ (type 02); the AE title fields are
/// reserved but sent with the values of the request; the items are 0x10, 0x21 (one per proposed context), 0x50.
/// </summary>
public sealed record AssociateAcceptPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    IReadOnlyList<PresentationContextAcceptItem> PresentationContexts,
    UserInformationItem UserInformation)
{
    public ushort ProtocolVersion { get; init; } = 1;

    public string ApplicationContextName { get; init; } = AssociateRequestPdu.DicomApplicationContext;

    public static AssociateAcceptPdu Parse(ReadOnlySequence<byte> body)
    {
        var fields = AssociatePduCodec.Parse(body, isRequest: false);
        return new AssociateAcceptPdu(fields.CalledAeTitle, fields.CallingAeTitle, fields.AcceptedContexts, fields.UserInformation)
        {
            ProtocolVersion = fields.ProtocolVersion,
            ApplicationContextName = fields.ApplicationContextName!,
        };
    }

    public void WriteTo(IBufferWriter<byte> output)
    {
        var builder = new PduBuilder();
        var pdu = AssociatePduCodec.WriteHeader(builder, PduType.AssociateAccept, ProtocolVersion, CalledAeTitle, CallingAeTitle, ApplicationContextName);
        foreach (var context in PresentationContexts)
        {
            var item = builder.BeginItem(ItemType.PresentationContextAccept);
            builder.Byte(context.Id);
            builder.Byte(0);
            builder.Byte((byte)context.Result);
            builder.Byte(0);
            builder.StringItem(ItemType.TransferSyntax, context.TransferSyntax);
            builder.EndItem(item);
        }

        AssociatePduCodec.WriteUserInformation(builder, UserInformation);
        builder.EndPdu(pdu);
        builder.CopyTo(output);
    }
}
