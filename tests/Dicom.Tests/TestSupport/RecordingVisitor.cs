using System.Buffers;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>Records the token stream as text lines, to compare whole parses.</summary>
public sealed class RecordingVisitor : IDataSetVisitor
{
    public List<string> Tokens { get; } = [];

    public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value) =>
        Tokens.Add($"{new string(' ', header.Depth * 2)}{header.Tag} {header.Vr} {header.Length} @{header.Offset} {Convert.ToHexString(value.ToArray())}");

    public void OnSequenceStart(in DicomElementHeader header) => Tokens.Add($"SQ {header.Tag} {header.Length} @{header.Offset}");

    public void OnItemStart(long offset, uint length) => Tokens.Add($"ITEM {length} @{offset}");

    public void OnItemEnd() => Tokens.Add("ITEM END");

    public void OnSequenceEnd() => Tokens.Add("SQ END");

    public void OnFragmentsStart(in DicomElementHeader header) => Tokens.Add($"FRAGMENTS {header.Tag} @{header.Offset}");

    public void OnFragment(long offset, ReadOnlySequence<byte> value) => Tokens.Add($"FRAGMENT {value.Length} @{offset}");

    public void OnFragmentsEnd() => Tokens.Add("FRAGMENTS END");

    public void OnSkippedValue(in DicomElementHeader header) => Tokens.Add($"SKIPPED {header.Tag} {header.Length} @{header.Offset}");
}
