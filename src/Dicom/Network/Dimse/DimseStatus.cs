namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE status code (PS3.7 Annex C: success C.1, pending C.2, cancel C.3, warning C.4, failure C.5), the one
/// table of codes for the toolkit and the use cases alike; the C-STORE codes are PS3.4 Table B.2-1.
/// </summary>
public readonly record struct DimseStatus(ushort Code)
{
    /// <summary>Success (PS3.7 C.1; PS3.4 Table B.2-1).</summary>
    public static DimseStatus Success { get; } = new(0x0000);

    /// <summary>Refused: out of resources (A7xx, PS3.4 Table B.2-1), used when the instance could not be stored.</summary>
    public static DimseStatus OutOfResources { get; } = new(0xA700);

    /// <summary>Error: data set does not match SOP class (A9xx, PS3.4 Table B.2-1).</summary>
    public static DimseStatus DataSetDoesNotMatchSopClass { get; } = new(0xA900);

    /// <summary>Error: cannot understand (Cxxx, PS3.4 Table B.2-1): unparsable, or a required UID missing or invalid.</summary>
    public static DimseStatus CannotUnderstand { get; } = new(0xC000);

    /// <summary>Warning: coercion of data elements (PS3.4 Table B.2-1).</summary>
    public static DimseStatus CoercionOfDataElements { get; } = new(0xB000);

    /// <summary>Warning: data set does not match SOP class (PS3.4 Table B.2-1).</summary>
    public static DimseStatus DataSetDoesNotMatchSopClassWarning { get; } = new(0xB007);

    /// <summary>Warning: elements discarded (PS3.4 Table B.2-1).</summary>
    public static DimseStatus ElementsDiscarded { get; } = new(0xB006);

    /// <summary>Failure: invalid SOP instance (PS3.7 C.5.7).</summary>
    public static DimseStatus InvalidSopInstance { get; } = new(0x0117);

    /// <summary>Failure: SOP class not supported (PS3.7 C.5.9).</summary>
    public static DimseStatus SopClassNotSupported { get; } = new(0x0122);

    /// <summary>Failure: processing failure (PS3.7 C.5).</summary>
    public static DimseStatus ProcessingFailure { get; } = new(0x0110);

    /// <summary>Failure: invalid argument value (PS3.7 C.5), e.g. an N-ACTION data set that cannot be parsed.</summary>
    public static DimseStatus InvalidArgumentValue { get; } = new(0x0115);

    /// <summary>Failure: no such SOP class (PS3.7 C.5).</summary>
    public static DimseStatus NoSuchSopClass { get; } = new(0x0118);

    /// <summary>Failure: missing attribute (PS3.7 C.5).</summary>
    public static DimseStatus MissingAttribute { get; } = new(0x0120);

    /// <summary>Failure: no such action type (PS3.7 C.5).</summary>
    public static DimseStatus NoSuchActionType { get; } = new(0x0123);

    /// <summary>Failure: no such event type (PS3.7 C.5).</summary>
    public static DimseStatus NoSuchEventType { get; } = new(0x0113);

    /// <summary>Failure: unrecognized operation (PS3.7 C.5.15).</summary>
    public static DimseStatus UnrecognizedOperation { get; } = new(0x0211);

    public bool IsSuccess => Code == 0x0000;

    /// <summary>Warning class (PS3.7 C.4): 0001 or Bxxx.</summary>
    public bool IsWarning => Code is 0x0001 or (>= 0xB000 and <= 0xBFFF);

    /// <summary>Pending class (PS3.7 C.2): FF00 or FF01.</summary>
    public bool IsPending => Code is 0xFF00 or 0xFF01;

    /// <summary>Failure class (PS3.7 C.5): anything that is not success, warning, pending or cancel (FE00, C.3).</summary>
    public bool IsFailure => !IsSuccess && !IsWarning && !IsPending && Code != 0xFE00;

    public override string ToString() => $"0x{Code:X4}";
}
