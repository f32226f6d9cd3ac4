using System.Buffers;
using CsCheck;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Echo;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Dimse;

public class CommandSetTests
{
    /// <summary>C-ECHO-RQ, message id 1, as DCMTK echoscu sends it (PS3.7 9.3.5.1, Implicit VR LE).</summary>
    private static readonly byte[] EchoRequestFixture = Hex.Parse("""
        00000000 04000000 38000000
        00000200 12000000 312e322e3834302e31303030382e312e3100
        00000001 02000000 3000
        00001001 02000000 0100
        00000008 02000000 0101
        """);

    [Fact]
    public void GivenEchoRequestFixture_WhenParsed_ThenFieldsAreDecodedAndReEncodingIsByteExact()
    {
        var command = CommandSet.Parse(new ReadOnlySequence<byte>(EchoRequestFixture));
        Assert.Equal(CommandField.CEchoRequest, command.CommandField);
        Assert.Equal(1, command.MessageId);
        Assert.False(command.HasDataSet);
        Assert.Equal("1.2.840.10008.1.1", command.AffectedSopClassUid);
        Assert.Equal(EchoRequestFixture, command.Encode());
        Assert.Equal(EchoRequestFixture, EchoMessages.CreateRequest(1).Encode());
    }

    [Fact]
    public void GivenStoreRequestWithMoveOriginator_WhenRoundTripped_ThenEveryFieldSurvives()
    {
        var request = StoreMessages.CreateRequest(7, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5", priority: 2, moveOriginatorAeTitle: "MOVER", moveOriginatorMessageId: 99);
        var parsed = CommandSet.Parse(new ReadOnlySequence<byte>(request.Encode()));
        Assert.Equal(CommandField.CStoreRequest, parsed.CommandField);
        Assert.Equal(7, parsed.MessageId);
        Assert.True(parsed.HasDataSet);
        Assert.Equal(2, parsed.Priority);
        Assert.Equal("1.2.3.4.5", parsed.AffectedSopInstanceUid);
        Assert.Equal("MOVER", parsed.MoveOriginatorApplicationEntityTitle);
        Assert.Equal((ushort)99, parsed.MoveOriginatorMessageId);
        // UIDs are NUL padded, AE titles space padded, to even length.
        Assert.Equal(10, parsed.GetRaw(CommandTag.AffectedSopInstanceUid).Length);
        Assert.Equal((byte)0, parsed.GetRaw(CommandTag.AffectedSopInstanceUid)[9]);
        Assert.Equal((byte)' ', parsed.GetRaw(CommandTag.MoveOriginatorApplicationEntityTitle)[5]);

        var response = StoreMessages.CreateResponse(parsed, DimseStatus.OutOfResources, "disk full");
        var back = CommandSet.Parse(new ReadOnlySequence<byte>(response.Encode()));
        Assert.Equal(CommandField.CStoreResponse, back.CommandField);
        Assert.Equal(7, back.MessageIdBeingRespondedTo);
        Assert.Equal(DimseStatus.OutOfResources, back.Status);
        Assert.Equal("disk full", back.ErrorComment);
        Assert.False(back.HasDataSet);
    }

    [Theory]
    [InlineData("0800 0000 02000000 0000")]
    [InlineData("0000 0001 08000000 3000")]
    [InlineData("0000 0001 ffffffff 3000")]
    [InlineData("0000 0001 0200")]
    [InlineData("00000000 04000000 05000000 0000000102000000 3000")]
    [InlineData("0000 1001 02000000 0100 0000 0001 02000000 3000")]
    [InlineData("0000 1001 02000000 0100")]
    public void GivenMalformedCommandSet_WhenParsed_ThenDimseFormatException(string hex)
    {
        Assert.Throws<DimseFormatException>(() => CommandSet.Parse(new ReadOnlySequence<byte>(Hex.Parse(hex))));
    }

    [Fact]
    public void GivenHundredThousandHostileCommandSets_WhenParsed_ThenOnlyCommandsOrFormatErrorsComeOut()
    {
        var seeds = new[] { EchoRequestFixture, StoreMessages.CreateRequest(3, "1.2.840.10008.5.1.4.1.1.7", "1.2.3", 1, "AE", 4).Encode() };
        var mutated = Gen.Select(Gen.Int[0, 1], Gen.Int[0, 500].Array[0, 3], Gen.Byte.Array[5], Gen.Frequency((2, Gen.Const(0)), (1, Gen.Int[-12, 12])))
            .Select((seed, positions, values, resize) =>
            {
                var source = seeds[seed];
                var bytes = new byte[Math.Max(0, source.Length + resize)];
                source.AsSpan(0, Math.Min(bytes.Length, source.Length)).CopyTo(bytes);
                for (var i = 0; i < positions.Length && bytes.Length > 0; i++)
                {
                    bytes[positions[i] % bytes.Length] = values[i];
                }

                return bytes;
            });
        var parsed = 0;
        var rejected = 0;
        Gen.Frequency((4, mutated), (1, Gen.Byte.Array[0, 80])).Sample(bytes =>
        {
            try
            {
                var command = CommandSet.Parse(new ReadOnlySequence<byte>(bytes));
                var encoded = command.Encode();
                Assert.Equal(encoded, CommandSet.Parse(new ReadOnlySequence<byte>(encoded)).Encode());
                _ = command.CommandField;
                _ = command.AffectedSopInstanceUid;
                parsed++;
            }
            catch (DimseFormatException)
            {
                rejected++;
            }
        }, iter: 100_000, threads: 1);

        Assert.True(parsed > 1_000, $"only {parsed} parsed");
        Assert.True(rejected > 1_000, $"only {rejected} rejected");
    }
}
