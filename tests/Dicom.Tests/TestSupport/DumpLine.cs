namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>
/// One element, item or fragment in dcmdump's terms: nesting level (items count as a level, as dcmdump indents),
/// tag, VR, value length ("u/l" when undefined) and the value as dcmdump prints it.
/// </summary>
public sealed record DumpLine(int Level, string Tag, string Vr, string Length, string Value)
{
    public override string ToString() => $"{new string(' ', Level * 2)}{Tag} {Vr} #{Length} {Value}";
}
