using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>Reads a whole file with our reader into dump lines: meta group first, then the data set, as dcmdump prints.</summary>
public static class CorpusParser
{
    public sealed record Outcome(DumpVisitor Dump, FileMetaReadResult Meta, DicomReadError? Error, TransferSyntax? Syntax);

    public static Outcome Read(byte[] file)
    {
        var dump = new DumpVisitor();
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), isFinalBlock: true);
        if (meta.Status != FileMetaReadStatus.Completed)
        {
            return new Outcome(dump, meta, meta.Error, null);
        }

        if (meta.Meta is { } m)
        {
            var metaStart = m.HasPreamble ? 132 : file.AsSpan(0, 4).SequenceEqual("DICM"u8) ? 4 : 0;
            var metaReader = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, null, metaStart);
            var metaBytes = new ReadOnlySequence<byte>(file, metaStart, (int)(m.DataSetOffset - metaStart));
            var metaResult = metaReader.Read(metaBytes, true, ref dump);
            if (metaResult.Status != DataSetReadStatus.Completed)
            {
                return new Outcome(dump, meta, metaResult.Error, null);
            }
        }

        var syntax = TransferSyntax.Lookup(meta.DataSetTransferSyntaxUid!);
        var bytes = Part10Reader.GetDataSetBytes(file, meta);
        var offset = syntax.IsDeflated ? 0 : meta.DataSetOffset;
        var reader = new DataSetReader(syntax, null, offset);
        var result = reader.Read(new ReadOnlySequence<byte>(bytes), true, ref dump);
        return new Outcome(dump, meta, result.Status == DataSetReadStatus.Invalid ? result.Error : null, syntax);
    }
}
