using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Instances.StoreInstance;

public sealed class StoreInstanceHandlerTests
{
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";
    public const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";

    [Fact]
    public async Task GivenAValidDataSet_WhenStored_ThenAPart10FileWithOurMetaAndTheUnchangedDataSetIsCommitted()
    {
        await using var host = new TestHost();
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 1000).ExplicitLittle();

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), new MemoryStream(dataSet));

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.Null(result.ErrorComment);
        var batchId = BatchId.Parse(result.BatchId);
        Assert.Equal($"dicom/2026/11/28/{batchId}/{Seed.SopUid(1)}.dcm", result.ObjectKey);
        var file = host.Store.Read(result.ObjectKey!);
        Assert.Equal(file.Length, result.Size);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(file)), result.Checksum);
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), isFinalBlock: true);
        Assert.Equal(FileMetaReadStatus.Completed, meta.Status);
        Assert.Equal(Seed.CtImageStorage, meta.Meta!.MediaStorageSopClassUid);
        Assert.Equal(Seed.SopUid(1), meta.Meta.MediaStorageSopInstanceUid);
        Assert.Equal(Seed.ExplicitVrLittleEndian, meta.Meta.TransferSyntaxUid);
        Assert.Equal(DicomImplementation.ClassUid, meta.Meta.ImplementationClassUid);
        Assert.Equal("MODALITY1", meta.Meta.SourceApplicationEntityTitle);
        Assert.Equal("IMAGINGGW", meta.Meta.ReceivingApplicationEntityTitle);
        Assert.Equal(dataSet, file[(int)meta.DataSetOffset..]);
        Assert.Equal(0, host.Store.OpenUploads);
    }

    [Fact]
    public async Task GivenADataSetArrivingInSmallFragments_WhenStored_ThenTheHeaderIsReadAcrossThem()
    {
        await using var host = new TestHost();
        // A 200 kB private element ahead of the UIDs puts the header well past the first read.
        var dataSet = TestDataSet.Instance(Seed.SopUid(1)).Insert(1, 0x0008, 0x0001, "OB", new byte[200_000]).ExplicitLittle();
        var content = new TrickleStream(dataSet, maxRead: 997);

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), content);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.True(content.ReadToEnd);
        AssertEndsWith(dataSet, host.Store.Read(result.ObjectKey!));
    }

    [Theory]
    [InlineData(ImplicitVrLittleEndian)]
    [InlineData(DeflatedExplicitVrLittleEndian)]
    public async Task GivenAnotherTransferSyntax_WhenStored_ThenItIsReadAndStoredAsReceived(string transferSyntax)
    {
        await using var host = new TestHost();
        var ds = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 5000);
        var bytes = transferSyntax == ImplicitVrLittleEndian ? ds.ImplicitLittle() : ds.Deflated();

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1), transferSyntax), new TrickleStream(bytes, maxRead: 101));

        Assert.Equal(DimseStatus.Success, result.Status);
        AssertEndsWith(bytes, host.Store.Read(result.ObjectKey!));
    }

    [Fact]
    public async Task GivenARealFileFromThePydicomCorpus_WhenItsDataSetIsStored_ThenTheStoredFileHasTheSameDataSet()
    {
        const string path = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
        Assert.True(File.Exists(path), $"{path} is missing: run tests/setup.d (python3-pydicom)");
        var source = await File.ReadAllBytesAsync(path);
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(source), isFinalBlock: true);
        var dataSet = source[(int)meta.DataSetOffset..];
        await using var host = new TestHost();

        var result = await SendAsync(
            host,
            new StoreInstanceCommand("assoc-1", "STORESCU", "IMAGINGGW", meta.Meta!.MediaStorageSopClassUid, meta.Meta.MediaStorageSopInstanceUid, meta.Meta.TransferSyntaxUid),
            new TrickleStream(dataSet, maxRead: 4096));

        Assert.Equal(DimseStatus.Success, result.Status);
        var stored = host.Store.Read(result.ObjectKey!);
        var header = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(stored), isFinalBlock: true);
        Assert.Equal(HeaderReadStatus.Completed, header.Status);
        Assert.Equal(meta.Meta.MediaStorageSopInstanceUid, header.Header!.SopInstanceUid);
        AssertEndsWith(dataSet, stored);
    }

    [Theory]
    [InlineData("1.2.826.0.1.3680043.8.498.1.1.99", Seed.CtImageStorage)]
    [InlineData("1.2.826.0.1.3680043.8.498.1.1.1", "1.2.840.10008.5.1.4.1.1.4")]
    public async Task GivenADataSetWhoseSopUidsDifferFromTheCommand_WhenStored_ThenA900AndNothingIsStored(string commandSop, string commandClass)
    {
        await using var host = new TestHost();
        var content = new TrickleStream(TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 300_000).ExplicitLittle(), maxRead: 8192);

        var result = await SendAsync(host, Command("assoc-1", commandSop) with { SopClassUid = commandClass }, content);

        Assert.Equal(DimseStatus.DataSetDoesNotMatchSopClass, result.Status);
        Assert.Contains("does not match", result.Detail, StringComparison.Ordinal);
        Assert.True(result.ErrorComment!.Length <= 64);
        AssertNothingStored(host);
        Assert.True(content.ReadToEnd, "the session must take the rejected data set to its end");
    }

    public static TheoryData<string, byte[]> NotUnderstood => new()
    {
        { "no study UID", TestDataSet.Instance(Seed.SopUid(1), studyUid: null).ExplicitLittle() },
        { "no series UID", TestDataSet.Instance(Seed.SopUid(1), seriesUid: null).ExplicitLittle() },
        { "invalid series UID", TestDataSet.Instance(Seed.SopUid(1), seriesUid: "1.02.3").ExplicitLittle() },
        { "garbage", [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7 + 3))] },
        { "truncated", TestDataSet.Instance(Seed.SopUid(1))
            .ExplicitLittle()[..40] },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(NotUnderstood))]
    public async Task GivenADataSetThatCannotBeUnderstood_WhenStored_ThenC000AndNothingIsStored(string why, byte[] dataSet)
    {
        await using var host = new TestHost();

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), new MemoryStream(dataSet));

        Assert.True(result.Status == DimseStatus.CannotUnderstand, $"{why}: status {result.Status:X4} ({result.Detail})");
        Assert.False(string.IsNullOrEmpty(result.ErrorComment));
        AssertNothingStored(host);
    }

    /// <summary>Data sets whose header reads fine but that do not end on an element boundary, or nest too deep (issue #24).</summary>
    public static TheoryData<string, byte[]> NotWellFormed => new()
    {
        { "pixel data cut short", TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 300_000).ExplicitLittle()[..^3000] },
        { "length 0xFFFFFFF0 after the series UID", [.. TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 0).ExplicitLittle(), .. Convert.FromHexString("09001000" + "4F420000" + "F0FFFFFF"), .. new byte[5000]] },
        { "sequences nested 10,000 deep", [.. TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 0).ExplicitLittle(), .. Enumerable.Repeat(Convert.FromHexString("09001110" + "53510000" + "FFFFFFFF" + "FEFF00E0FFFFFFFF"), 10_000).SelectMany(b => b)] },
        { "cut inside an element header", [.. TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 0).ExplicitLittle(), .. Convert.FromHexString("E07F1000")] },
    };

    [Theory]
    [MemberData(nameof(NotWellFormed))]
    public async Task GivenADataSetNotWellFormed_WhenStored_ThenC000WithAnErrorCommentAndNothingIsStored(string why, byte[] dataSet)
    {
        await using var host = new TestHost();
        var content = new TrickleStream(dataSet, maxRead: 8192);

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), content);

        Assert.True(result.Status == DimseStatus.CannotUnderstand, $"{why}: status {result.Status:X4} ({result.Detail})");
        Assert.StartsWith("data set is not well formed", result.ErrorComment, StringComparison.Ordinal);
        Assert.True(result.ErrorComment!.Length <= 64);
        Assert.True(content.ReadToEnd, "the session must take the refused data set to its end");
        AssertNothingStored(host);
    }

    [Fact]
    public async Task GivenTheStoreFailsWhileWriting_WhenStored_ThenA700NothingIsVisibleAndTheDataSetIsDrained()
    {
        await using var host = new TestHost();
        host.Store.FailWrites = _ => true;
        var content = new TrickleStream(TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 100_000).ExplicitLittle(), maxRead: 4096);

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), content);

        Assert.Equal(DimseStatus.OutOfResources, result.Status);
        Assert.Contains("no space left on device", result.Detail, StringComparison.Ordinal);
        Assert.True(content.ReadToEnd);
        AssertNothingStored(host);
    }

    [Fact]
    public async Task GivenTheStoreFailsToCommit_WhenStored_ThenA700AndNothingIsVisible()
    {
        await using var host = new TestHost();
        host.Store.FailCommits = _ => true;

        var result = await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), new MemoryStream(TestDataSet.Instance(Seed.SopUid(1)).ExplicitLittle()));

        Assert.Equal(DimseStatus.OutOfResources, result.Status);
        AssertNothingStored(host);
    }

    [Fact]
    public async Task GivenTheAssociationAbortsMidTransfer_WhenStored_ThenTheErrorPropagatesAndNothingIsVisible()
    {
        await using var host = new TestHost();
        var content = new TrickleStream(TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 10_000).ExplicitLittle(), maxRead: 1000, failAfter: 3000);

        await Assert.ThrowsAsync<IOException>(async () => await SendAsync(host, Command("assoc-1", Seed.SopUid(1)), content));

        AssertNothingStored(host);
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-ABORT"));
        Assert.Null(Assert.Single(closed.Batches).ManifestKey);
    }

    [Theory]
    [InlineData("", "IMAGINGGW", "1.2.3", "CallingAeTitle")]
    [InlineData("BAD\\AE", "IMAGINGGW", "1.2.3", "CallingAeTitle")]
    [InlineData("MODALITY1", "                 ", "1.2.3", "CalledAeTitle")]
    [InlineData("MODALITY1", "IMAGINGGW", "1.2.03", "SopInstanceUid")]
    [InlineData("MODALITY1", "IMAGINGGW", "../../etc/passwd", "SopInstanceUid")]
    public async Task GivenAnInvalidCommand_WhenStored_ThenValidationNamesTheFieldAndMapsToC000(string calling, string called, string sop, string field)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () =>
            await host.Mediator.Send(Command("assoc-1", sop) with { CallingAeTitle = calling, CalledAeTitle = called }));

        Assert.Equal(field, Assert.Single(ex.Failures).Field);
        Assert.Equal(DimseStatus.CannotUnderstand, StoreInstanceResult.FromValidationFailure(ex).Status);
        Assert.Empty(host.Store.Keys);
    }

    [Fact]
    public async Task GivenPerInstance_WhenTwoInstancesAreStored_ThenEachIsClosedInItsOwnBatchWithoutWaitingForTheAssociation()
    {
        await using var host = new TestHost(GroupingPolicy.PerInstance);

        var first = await StoreAsync(host, "assoc-1", 1);
        var second = await StoreAsync(host, "assoc-1", 2);
        await host.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None);

        Assert.NotEqual(first.BatchId, second.BatchId);
        Assert.Single(Manifest(host, first.BatchId!).Instances);
        Assert.Single(Manifest(host, second.BatchId!).Instances);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenPerAssociation_WhenThreeAreStoredAndTheAssociationIsReleased_ThenOneManifestListsAllThree()
    {
        await using var host = new TestHost();
        for (var n = 1; n <= 3; n++)
        {
            await StoreAsync(host, "assoc-1", n);
        }

        Assert.DoesNotContain(host.Store.Keys, k => k.StartsWith("batches/", StringComparison.Ordinal));
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));

        var manifest = Manifest(host, Assert.Single(closed.Batches).BatchId);
        Assert.Equal([Seed.SopUid(1), Seed.SopUid(2), Seed.SopUid(3)], manifest.Instances.Select(i => i.SopInstanceUid));
        Assert.All(manifest.Instances, i => Assert.Equal("20261128", i.StudyDate));
        Assert.Equal("A-RELEASE", manifest.CloseReason);
    }

    [Fact]
    public async Task GivenAFileLimitOfTwo_WhenFiveAreStored_ThenFullBatchesCloseOnTheirOwnAndTheRestOnRelease()
    {
        await using var host = new TestHost(maxFiles: 2);
        for (var n = 1; n <= 5; n++)
        {
            await StoreAsync(host, "assoc-1", n);
        }

        await host.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None);
        Assert.Equal(2, host.Store.Keys.Count(k => k.StartsWith("batches/", StringComparison.Ordinal)));
        await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));

        var manifests = host.Store.Keys.Where(k => k.StartsWith("batches/", StringComparison.Ordinal))
            .Select(k => JsonSerializer.Deserialize(host.Store.Read(k), ApplicationJsonContext.Default.BatchManifest)!)
            .ToList();
        Assert.Equal([1, 2, 2], manifests.Select(m => m.Instances.Count).Order());
        Assert.Equal(5, manifests.SelectMany(m => m.Instances).Select(i => i.SopInstanceUid).Distinct().Count());
    }

    [Fact]
    public async Task GivenTheSameInstanceSentTwice_WhenStored_ThenTheBatchListsItOnce()
    {
        await using var host = new TestHost();
        await StoreAsync(host, "assoc-1", 1);
        await StoreAsync(host, "assoc-1", 1);

        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));

        Assert.Single(Manifest(host, Assert.Single(closed.Batches).BatchId).Instances);
    }

    internal static StoreInstanceCommand Command(string association, string sopInstanceUid, string transferSyntax = Seed.ExplicitVrLittleEndian) =>
        new(association, "MODALITY1", "IMAGINGGW", Seed.CtImageStorage, sopInstanceUid, transferSyntax);

    /// <summary>
    /// As the SCP does: opens the session through the mediator (validation runs), writes each read of
    /// <paramref name="content"/> into it as one segment, and completes it; a read that fails (an aborted association)
    /// aborts the session and propagates.
    /// </summary>
    internal static async Task<StoreInstanceResult> SendAsync(TestHost host, StoreInstanceCommand command, Stream content, CancellationToken cancellationToken = default)
    {
        await using var session = await host.Mediator.Send(command, cancellationToken);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await content.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                await session.AbortAsync();
                throw;
            }

            if (read == 0)
            {
                return await session.CompleteAsync(cancellationToken);
            }

            await session.WriteAsync(new ReadOnlySequence<byte>(buffer, 0, read), cancellationToken);
        }
    }

    internal static async Task<StoreInstanceResult> StoreAsync(TestHost host, string association, int n)
    {
        var result = await SendAsync(host, Command(association, Seed.SopUid(n)), new MemoryStream(TestDataSet.Instance(Seed.SopUid(n)).ExplicitLittle()));
        Assert.True(result.IsSuccess, result.Detail);
        return result;
    }

    private static ImagingGateway.Application.Common.Contracts.BatchManifest Manifest(TestHost host, string batchId) =>
        JsonSerializer.Deserialize(host.Store.Read(ObjectKeys.Manifest(BatchId.Parse(batchId))), ApplicationJsonContext.Default.BatchManifest)!;

    private static void AssertEndsWith(byte[] expectedTail, byte[] actual)
    {
        Assert.True(actual.Length >= expectedTail.Length, $"{actual.Length} bytes stored, fewer than the {expectedTail.Length} sent");
        Assert.Equal(expectedTail, actual[^expectedTail.Length..]);
    }

    private static void AssertNothingStored(TestHost host)
    {
        Assert.Empty(host.Store.Keys);
        Assert.Equal(0, host.Store.OpenUploads);
    }
}
