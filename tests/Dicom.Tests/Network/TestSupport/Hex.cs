namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

public static class Hex
{
    /// <summary>Bytes from hex text; spaces and line breaks are ignored.</summary>
    public static byte[] Parse(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));
}
