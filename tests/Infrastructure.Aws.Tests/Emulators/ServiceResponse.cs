using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

public sealed record ServiceResponse(int Status, string Body, string? ErrorType = null)
{
    public static ServiceResponse Ok(JsonObject body) => new(200, body.ToJsonString());

    /// <summary>An error as the JSON protocols send it: the code in <c>__type</c> (and X-Amzn-ErrorType for restJson1).</summary>
    public static ServiceResponse Error(int status, string code, string message) =>
        new(status, new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString(), code);
}
