namespace ImagingGateway.Application.Instances;

/// <summary>The C-STORE response statuses StoreInstance returns (PS3.4 Table B.2-1, PS3.7 Annex C).</summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;

    /// <summary>Refused: out of resources (the instance could not be stored).</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>Error: data set does not match SOP class (its SOP Class/Instance UID differ from the command's).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>Error: cannot understand (unparsable, or a required UID missing or invalid).</summary>
    public const ushort CannotUnderstand = 0xC000;
}
