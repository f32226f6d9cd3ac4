using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal;

/// <summary>
/// <c>requests.jsonl</c> of a run: one line per AWS request, <c>{"principal": role logical id, "action": "service:Action",
/// "resource": ARN}</c>. The node emulators append to the same file (one write per line, O_APPEND), so this process
/// appends with O_APPEND too: .NET's FileMode.Append writes at the end it saw when it opened the file, and a line the
/// emulators added meanwhile would be overwritten or torn (dotnet/runtime#53432).
/// </summary>
public sealed class RequestLog(string path)
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int AppendAtEnd = 0x400;
    private const int ReadWriteByOwner = 0x180;

    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public void Append(string principal, string action, string resource)
    {
        var line = Encoding.UTF8.GetBytes(new JsonObject { ["principal"] = principal, ["action"] = action, ["resource"] = resource }.ToJsonString() + "\n");
        lock (_gate)
        {
            var fd = Open(Path, WriteOnly | Create | AppendAtEnd, ReadWriteByOwner);
            if (fd < 0)
            {
                throw new IOException($"cannot open {Path} to append (errno {Marshal.GetLastPInvokeError()})");
            }

            try
            {
                if (Write(fd, line, line.Length) != line.Length)
                {
                    throw new IOException($"a line of {line.Length} bytes was not appended whole to {Path} (errno {Marshal.GetLastPInvokeError()})");
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }

    /// <summary>The principal of a request signed by tools/AwsLocal's credentials: its session token.</summary>
    public static string PrincipalOf(IEnumerable<KeyValuePair<string, string>> headers) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, "X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)).Value ?? "anonymous";

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
