using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

public sealed record ServiceCall(string Operation, JsonObject Input, IReadOnlyList<KeyValuePair<string, string>> Headers);
