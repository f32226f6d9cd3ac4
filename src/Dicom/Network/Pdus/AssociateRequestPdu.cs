using System.Buffers;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-RQ PDU (PS3.8 9.3.2):
/// <code>
///  0    1    2         6          8          10            26             42              74
/// +----+----+---------+----------+----------+-------------+--------------+---------------+---------------------+
/// | 01 | 00 | length  | protocol | reserved | called AE   | calling AE   | reserved (32) | items: 0x10, 0x20.., |
/// |    |    | UInt32  | version  |          | (16, space  | (16, space   |               | 0x50                 |
/// |    |    |         | (0x0001) |          |  padded)    |  padded)     |               |                      |
/// +----+----+---------+----------+----------+-------------+--------------+---------------+---------------------+
/// </code>
/// </summary>
public sealed record AssociateRequestPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    IReadOnlyList<PresentationContextRequestItem> PresentationContexts,
    UserInformationItem UserInformation)
{
    /// <summary>The DICOM application context name (PS3.7 A.2.1).</summary>
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    public ushort ProtocolVersion { get; init; } = 1;

    public string ApplicationContextName { get; init; } = DicomApplicationContext;

    public static AssociateRequestPdu Parse(ReadOnlySequence<byte> body)
    {
        var fields = AssociatePduCodec.Parse(body, isRequest: true);
        if (fields.RequestedContexts.Count == 0)
        {
            throw new PduFormatException("A-ASSOCIATE-RQ proposes no presentation context.", AbortReason.InvalidPduParameterValue);
        }

        return new AssociateRequestPdu(fields.CalledAeTitle, fields.CallingAeTitle, fields.RequestedContexts, fields.UserInformation)
        {
            ProtocolVersion = fields.ProtocolVersion,
            ApplicationContextName = fields.ApplicationContextName!,
        };
    }

    public void WriteTo(IBufferWriter<byte> output)
    {
        var builder = new PduBuilder();
        var pdu = AssociatePduCodec.WriteHeader(builder, PduType.AssociateRequest, ProtocolVersion, CalledAeTitle, CallingAeTitle, ApplicationContextName);
        foreach (var context in PresentationContexts)
        {
            var item = builder.BeginItem(ItemType.PresentationContextRequest);
            builder.Byte(context.Id);
            builder.Zeros(3);
            builder.StringItem(ItemType.AbstractSyntax, context.AbstractSyntax);
            foreach (var syntax in context.TransferSyntaxes)
            {
                builder.StringItem(ItemType.TransferSyntax, syntax);
            }

            builder.EndItem(item);
        }

        AssociatePduCodec.WriteUserInformation(builder, UserInformation);
        builder.EndPdu(pdu);
        builder.CopyTo(output);
    }
}
