using System.Buffers;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Pdus;

public class PduReaderTests
{
    private static readonly string[] Names =
    [
        nameof(PduFixtures.EchoscuAssociateRequest), nameof(PduFixtures.AssociateAccept), nameof(PduFixtures.AssociateReject),
        nameof(PduFixtures.ReleaseRequest), nameof(PduFixtures.ReleaseResponse), nameof(PduFixtures.Abort), nameof(PduFixtures.DataTransfer),
    ];

    public static TheoryData<string> FixtureNames => new(Names);

    [Fact]
    public void GivenEchoscuAssociateRequest_WhenParsed_ThenEveryFieldMatchesTheCapture()
    {
        var buffer = new ReadOnlySequence<byte>(PduFixtures.EchoscuAssociateRequest);
        Assert.True(PduReader.TryRead(ref buffer, 1 << 16, out var type, out var body));
        Assert.Equal(PduType.AssociateRequest, type);
        Assert.True(buffer.IsEmpty);

        var request = AssociateRequestPdu.Parse(body);
        Assert.Equal(1, request.ProtocolVersion);
        Assert.Equal("ANY-SCP", request.CalledAeTitle);
        Assert.Equal("ECHOSCU", request.CallingAeTitle);
        Assert.Equal("1.2.840.10008.3.1.1.1", request.ApplicationContextName);
        var context = Assert.Single(request.PresentationContexts);
        Assert.Equal(1, context.Id);
        Assert.Equal("1.2.840.10008.1.1", context.AbstractSyntax);
        Assert.Equal(["1.2.840.10008.1.2"], context.TransferSyntaxes);
        Assert.Equal(16384u, request.UserInformation.MaximumLength);
        Assert.Equal("1.2.276.0.7230010.3.0.3.6.7", request.UserInformation.ImplementationClassUid);
        Assert.Equal("OFFIS_DCMTK_367", request.UserInformation.ImplementationVersionName);
    }

    [Fact]
    public void GivenParsedAssociateRequest_WhenWritten_ThenBytesEqualTheCanonicalFixture()
    {
        var request = AssociateRequestPdu.Parse(Body(PduFixtures.EchoscuAssociateRequest));
        Assert.Equal(PduFixtures.EchoscuAssociateRequestCanonical, Write(request.WriteTo));
    }

    [Fact]
    public void GivenAssociateAcceptFixture_WhenParsedAndWritten_ThenRoundTripIsByteExact()
    {
        var accept = AssociateAcceptPdu.Parse(Body(PduFixtures.AssociateAccept));
        var context = Assert.Single(accept.PresentationContexts);
        Assert.Equal(PresentationContextResult.Acceptance, context.Result);
        Assert.Equal("1.2.840.10008.1.2", context.TransferSyntax);
        Assert.Equal(0x40000u, accept.UserInformation.MaximumLength);
        Assert.Equal(new AsynchronousOperationsWindow(1, 1), accept.UserInformation.AsynchronousOperationsWindow);
        Assert.Equal("IGGW", accept.UserInformation.ImplementationVersionName);
        Assert.Equal(PduFixtures.AssociateAccept, Write(accept.WriteTo));
    }

    [Fact]
    public void GivenSmallPduFixtures_WhenParsedAndWritten_ThenRoundTripIsByteExact()
    {
        var reject = AssociateRejectPdu.Parse(Body(PduFixtures.AssociateReject));
        Assert.Equal(new AssociateRejectPdu(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, AssociateRejectReason.CalledAeTitleNotRecognized), reject);
        Assert.Equal(PduFixtures.AssociateReject, Write(reject.WriteTo));

        var abort = AbortPdu.Parse(Body(PduFixtures.Abort));
        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), abort);
        Assert.Equal(PduFixtures.Abort, Write(abort.WriteTo));

        Assert.Equal(PduFixtures.ReleaseRequest, Write(ReleaseRequestPdu.Parse(Body(PduFixtures.ReleaseRequest)).WriteTo));
        Assert.Equal(PduFixtures.ReleaseResponse, Write(ReleaseResponsePdu.Parse(Body(PduFixtures.ReleaseResponse)).WriteTo));
    }

    [Fact]
    public void GivenDataTransferFixture_WhenWalked_ThenPdvsAreCommandLastThenDataNotLast()
    {
        var body = Body(PduFixtures.DataTransfer);
        Assert.True(DataTransferPdu.TryReadNext(ref body, out var first));
        Assert.Equal((1, true, true), (first.PresentationContextId, first.IsCommand, first.IsLastFragment));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, first.Fragment.ToArray());
        Assert.True(DataTransferPdu.TryReadNext(ref body, out var second));
        Assert.Equal((1, false, false), (second.PresentationContextId, second.IsCommand, second.IsLastFragment));
        Assert.Equal(new byte[] { 10, 11, 12 }, second.Fragment.ToArray());
        Assert.False(DataTransferPdu.TryReadNext(ref body, out _));

        var written = new ArrayBufferWriter<byte>();
        PduWriter.WriteDataTransfer(written, 1, isCommand: true, isLast: true, [1, 2, 3, 4]);
        Assert.Equal(Hex.Parse("04 00 0000000a 00000006 01 03 01020304"), written.WrittenSpan.ToArray());
    }

    [Fact]
    public void GivenFullyLoadedUserInformation_WhenRoundTripped_ThenEverySubItemSurvives()
    {
        var request = new AssociateRequestPdu("CALLED", "CALLING",
            [new PresentationContextRequestItem(3, "1.2.840.10008.5.1.4.1.1.2", ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])],
            new UserInformationItem
            {
                MaximumLength = 32768,
                ImplementationClassUid = "1.2.3.4",
                ImplementationVersionName = "V1",
                AsynchronousOperationsWindow = new AsynchronousOperationsWindow(5, 0),
                RoleSelections = [new RoleSelectionItem("1.2.840.10008.5.1.4.1.1.2", true, false)],
                SopClassExtendedNegotiations = [new SopClassExtendedNegotiationItem("1.2.840.10008.5.1.4.1.1.2", [1, 0, 2])],
                SopClassCommonExtendedNegotiations = [new SopClassCommonExtendedNegotiationItem("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.4.2", ["1.2.3", "1.2.4"])],
                UserIdentityRequest = new UserIdentityRequestItem(UserIdentityType.UsernameAndPasscode, true, "user"u8.ToArray(), "secret"u8.ToArray()),
            });
        var bytes = Write(request.WriteTo);
        var parsed = AssociateRequestPdu.Parse(Body(bytes));

        Assert.Equal(bytes, Write(parsed.WriteTo));
        var info = parsed.UserInformation;
        Assert.Equal(new AsynchronousOperationsWindow(5, 0), info.AsynchronousOperationsWindow);
        Assert.Equal(new RoleSelectionItem("1.2.840.10008.5.1.4.1.1.2", true, false), Assert.Single(info.RoleSelections));
        Assert.Equal(new byte[] { 1, 0, 2 }, Assert.Single(info.SopClassExtendedNegotiations).ServiceClassApplicationInformation);
        Assert.Equal(["1.2.3", "1.2.4"], Assert.Single(info.SopClassCommonExtendedNegotiations).RelatedGeneralSopClassUids);
        Assert.Equal("secret", System.Text.Encoding.ASCII.GetString(info.UserIdentityRequest!.SecondaryField));
        Assert.Equal(["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"], parsed.PresentationContexts[0].TransferSyntaxes);
    }

    [Fact]
    public void GivenUnknownItemsAndSubItems_WhenParsed_ThenTheyAreSkipped()
    {
        var bytes = PduFixtures.EchoscuAssociateRequestCanonical.ToList();
        // An unknown item type 0x77 before the user information item, and an unknown sub-item 0x7F inside it.
        var userInfoAt = bytes.Count - 62;
        bytes.InsertRange(bytes.Count, Hex.Parse("7f000002abcd"));
        bytes[userInfoAt + 3] += 6;
        bytes.InsertRange(userInfoAt, Hex.Parse("77000003010203"));
        var pdu = bytes.ToArray();
        var length = pdu.Length - 6;
        pdu[4] = (byte)(length >> 8);
        pdu[5] = (byte)length;

        var parsed = AssociateRequestPdu.Parse(Body(pdu));
        Assert.Equal("OFFIS_DCMTK_367", parsed.UserInformation.ImplementationVersionName);
        Assert.Single(parsed.PresentationContexts);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public async Task GivenFixture_WhenFedThroughPipeSplitAtEveryOffset_ThenOneIdenticalPduIsFramed(string name)
    {
        var fixture = Fixture(name);
        for (var split = 0; split <= fixture.Length; split++)
        {
            var frames = await PipeFeeder.FrameAsync(fixture, split);
            var (type, body) = Assert.Single(frames);
            Assert.Equal((PduType)fixture[0], type);
            Assert.Equal(fixture[6..], body);
        }
    }

    [Fact]
    public async Task GivenAllFixturesBackToBack_WhenSplitAtEveryOffset_ThenAllAreFramedInOrder()
    {
        var names = Names;
        var all = names.SelectMany(Fixture).ToArray();
        for (var split = 0; split <= all.Length; split++)
        {
            var frames = await PipeFeeder.FrameAsync(all, split);
            Assert.Equal(names.Select(n => (PduType)Fixture(n)[0]), frames.Select(f => f.Type));
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void GivenFixtureTruncatedAtEveryOffset_WhenRead_ThenReaderWaitsOrBodyParserRejects(string name)
    {
        var fixture = Fixture(name);
        for (var cut = 0; cut < fixture.Length; cut++)
        {
            // Framing: a truncated stream is never a PDU.
            var buffer = new ReadOnlySequence<byte>(fixture, 0, cut);
            Assert.False(PduReader.TryRead(ref buffer, 1 << 20, out _, out _));

            // Parsing: a body cut short (with a header claiming the short length) is rejected, never an IndexOutOfRange.
            if (cut >= 6)
            {
                var body = new ReadOnlySequence<byte>(fixture, 6, cut - 6);
                var exception = Record.Exception(() => ParseBody((PduType)fixture[0], body));
                if (exception is not null)
                {
                    Assert.IsType<PduFormatException>(exception);
                }
            }
        }
    }

    [Fact]
    public void GivenLengthOverTheLimit_WhenOnlyTheHeaderArrived_ThenRejectedBeforeTheBody()
    {
        var header = Hex.Parse("04 00 7fffffff");
        var buffer = new ReadOnlySequence<byte>(header);
        var error = Assert.Throws<PduFormatException>(() => PduReader.TryRead(ref buffer, 16384, out _, out _));
        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);

        var big = new ReadOnlySequence<byte>(Hex.Parse("04 00 00004001"));
        Assert.Throws<PduFormatException>(() => PduReader.TryRead(ref big, 16384, out _, out _));
        var atLimit = new ReadOnlySequence<byte>(Hex.Parse("04 00 00004000"));
        Assert.False(PduReader.TryRead(ref atLimit, 16384, out _, out _));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x08)]
    [InlineData(0xff)]
    public void GivenUnknownPduType_WhenRead_ThenUnrecognizedPdu(byte type)
    {
        var buffer = new ReadOnlySequence<byte>([type, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
        var error = Assert.Throws<PduFormatException>(() => PduReader.TryRead(ref buffer, 1024, out _, out _));
        Assert.Equal(AbortReason.UnrecognizedPdu, error.Reason);
    }

    [Theory]
    [InlineData("04 00 00000005 00000001 01")]
    [InlineData("04 00 00000006 00000007 01 03")]
    [InlineData("04 00 00000006 00000002 02 03")]
    [InlineData("04 00 00000006 00000002 01 07")]
    public void GivenMalformedPdv_WhenWalked_ThenRejected(string hex)
    {
        var body = Body(Hex.Parse(hex));
        Assert.Throws<PduFormatException>(() => DataTransferPdu.Validate(body));
    }

    [Fact]
    public void GivenPresentationContextWithEvenIdOrNoTransferSyntax_WhenParsed_ThenRejected()
    {
        var request = AssociateRequestPdu.Parse(Body(PduFixtures.EchoscuAssociateRequestCanonical));
        var even = request with { PresentationContexts = [new PresentationContextRequestItem(2, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"])] };
        Assert.Throws<PduFormatException>(() => AssociateRequestPdu.Parse(Body(Write(even.WriteTo))));
        var none = request with { PresentationContexts = [new PresentationContextRequestItem(1, "1.2.840.10008.1.1", [])] };
        Assert.Throws<PduFormatException>(() => AssociateRequestPdu.Parse(Body(Write(none.WriteTo))));
        var empty = request with { PresentationContexts = [] };
        Assert.Throws<PduFormatException>(() => AssociateRequestPdu.Parse(Body(Write(empty.WriteTo))));
    }

    internal static void ParseBody(PduType type, ReadOnlySequence<byte> body)
    {
        switch (type)
        {
            case PduType.AssociateRequest: AssociateRequestPdu.Parse(body); break;
            case PduType.AssociateAccept: AssociateAcceptPdu.Parse(body); break;
            case PduType.AssociateReject: AssociateRejectPdu.Parse(body); break;
            case PduType.DataTransfer: DataTransferPdu.Validate(body); break;
            case PduType.ReleaseRequest: ReleaseRequestPdu.Parse(body); break;
            case PduType.ReleaseResponse: ReleaseResponsePdu.Parse(body); break;
            case PduType.Abort: AbortPdu.Parse(body); break;
        }
    }

    private static byte[] Fixture(string name) => (byte[])(typeof(PduFixtures).GetField(name)?.GetValue(null)
        ?? typeof(PduFixtures).GetProperty(name)!.GetValue(null)!);

    private static ReadOnlySequence<byte> Body(byte[] pdu) => new(pdu, 6, pdu.Length - 6);

    private static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }
}
