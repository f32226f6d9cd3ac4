namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>UID grammar of PS3.5 9.1: at most 64 characters, digit components separated by single dots.</summary>
public static class DimseUid
{
    public static bool IsValid(string? uid)
    {
        if (string.IsNullOrEmpty(uid) || uid.Length > 64 || uid[0] == '.' || uid[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < uid.Length; i++)
        {
            var c = uid[i];
            if (c == '.')
            {
                if (uid[i - 1] == '.')
                {
                    return false;
                }
            }
            else if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
