namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>A DIMSE status code (PS3.7 Annex C; C-STORE codes in PS3.4 B.2.3).</summary>
public readonly record struct DimseStatus(ushort Code)
{
    public static DimseStatus Success { get; } = new(0x0000);

    /// <summary>Refused: out of resources (A7xx) — used when the instance could not be stored.</summary>
    public static DimseStatus OutOfResources { get; } = new(0xA700);

    /// <summary>Error: data set does not match SOP class (A9xx).</summary>
    public static DimseStatus DataSetDoesNotMatchSopClass { get; } = new(0xA900);

    /// <summary>Error: cannot understand (Cxxx).</summary>
    public static DimseStatus CannotUnderstand { get; } = new(0xC000);

    /// <summary>Warning: coercion of data elements.</summary>
    public static DimseStatus CoercionOfDataElements { get; } = new(0xB000);

    /// <summary>Warning: data set does not match SOP class.</summary>
    public static DimseStatus DataSetDoesNotMatchSopClassWarning { get; } = new(0xB007);

    /// <summary>Warning: elements discarded.</summary>
    public static DimseStatus ElementsDiscarded { get; } = new(0xB006);

    /// <summary>Failure: invalid SOP instance (PS3.7 C.5.7).</summary>
    public static DimseStatus InvalidSopInstance { get; } = new(0x0117);

    /// <summary>Failure: SOP class not supported (PS3.7 C.5.9).</summary>
    public static DimseStatus SopClassNotSupported { get; } = new(0x0122);

    /// <summary>Failure: unrecognized operation (PS3.7 C.5.15).</summary>
    public static DimseStatus UnrecognizedOperation { get; } = new(0x0211);

    public bool IsSuccess => Code == 0x0000;

    public bool IsWarning => Code is 0x0001 or (>= 0xB000 and <= 0xBFFF);

    public bool IsPending => Code is 0xFF00 or 0xFF01;

    public bool IsFailure => !IsSuccess && !IsWarning && !IsPending && Code != 0xFE00;

    public override string ToString() => $"0x{Code:X4}";
}
