using System.Buffers;
using System.Buffers.Binary;
using CsCheck;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Tests.Network.Pdus;

/// <summary>Property tests over the PDU reader: hostile bytes only ever yield a PDU or a <see cref="PduFormatException"/>.</summary>
public class PduFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        PduFixtures.EchoscuAssociateRequest, PduFixtures.AssociateAccept, PduFixtures.AssociateReject, PduFixtures.ReleaseRequest,
        PduFixtures.ReleaseResponse, PduFixtures.Abort, PduFixtures.DataTransfer,
    ];

    /// <summary>Fixtures with a few bytes overwritten, cut or extended; half of them get a header length that matches the body.</summary>
    internal static readonly Gen<byte[]> MutatedPdus =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 1000].Array[0, 6], Gen.Byte.Array[6], Gen.Int[-20, 20], Gen.Bool)
            .Select((seed, positions, values, resize, fixLength) =>
            {
                var source = Seeds[seed];
                var length = Math.Max(0, source.Length + resize);
                var bytes = new byte[length];
                source.AsSpan(0, Math.Min(length, source.Length)).CopyTo(bytes);
                for (var i = 0; i < positions.Length && length > 0; i++)
                {
                    bytes[positions[i] % length] = values[i];
                }

                if (fixLength && length >= 6)
                {
                    bytes[0] = (byte)(1 + (bytes[0] % 7));
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2), (uint)(length - 6));
                }

                return bytes;
            });

    /// <summary>Random bodies behind a valid header of a random known type.</summary>
    internal static readonly Gen<byte[]> RandomPdus =
        Gen.Select(Gen.Byte[1, 7], Gen.Byte.Array[0, 300]).Select((type, body) =>
        {
            var bytes = new byte[6 + body.Length];
            bytes[0] = type;
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2), (uint)body.Length);
            body.CopyTo(bytes, 6);
            return bytes;
        });

    [Fact]
    public void GivenHundredThousandHostileInputs_WhenFramedAndParsed_ThenOnlyPdusOrFormatErrorsComeOut()
    {
        var parsed = 0;
        var rejected = 0;
        Gen.Frequency((3, MutatedPdus), (1, RandomPdus), (1, Gen.Byte.Array[0, 64])).Sample(bytes =>
        {
            switch (FrameAndParse(bytes))
            {
                case true: Interlocked.Increment(ref parsed); break;
                case false: Interlocked.Increment(ref rejected); break;
            }
        }, iter: 100_000, threads: 1, seed: null);

        // Both outcomes must be common, or the generator is not exercising the parser.
        Assert.True(parsed > 1_000, $"only {parsed} inputs parsed");
        Assert.True(rejected > 1_000, $"only {rejected} inputs rejected");
    }

    /// <summary>True: parsed (and re-encoding is stable); false: rejected with PduFormatException; null: incomplete.</summary>
    internal static bool? FrameAndParse(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        try
        {
            if (!PduReader.TryRead(ref buffer, 1 << 16, out var type, out var body))
            {
                return null;
            }

            switch (type)
            {
                case PduType.AssociateRequest:
                    var request = AssociateRequestPdu.Parse(body);
                    var first = Encode(request.WriteTo);
                    Assert.Equal(first, Encode(AssociateRequestPdu.Parse(new ReadOnlySequence<byte>(first, 6, first.Length - 6)).WriteTo));
                    break;
                case PduType.AssociateAccept:
                    var accept = AssociateAcceptPdu.Parse(body);
                    var encoded = Encode(accept.WriteTo);
                    Assert.Equal(encoded, Encode(AssociateAcceptPdu.Parse(new ReadOnlySequence<byte>(encoded, 6, encoded.Length - 6)).WriteTo));
                    break;
                default:
                    PduReaderTests.ParseBody(type, body);
                    break;
            }

            return true;
        }
        catch (PduFormatException)
        {
            return false;
        }
    }

    private static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }
}
