using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// A botocore service model (service-2.json) used as the judge of requests: it finds the operation a request is for
/// (restJson1: method + URI template; awsJson1_0: X-Amz-Target) and checks URI labels, query, headers and the JSON
/// body against the input shape: member names, types, enums, lengths, patterns and required members.
/// </summary>
public sealed class ServiceModel
{
    private readonly JsonObject _model;

    public ServiceModel(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Emulators", "Models", fileName);
        _model = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    public string Protocol => (string)_model["metadata"]!["protocol"]!;

    public string SigningName => (string?)_model["metadata"]!["signingName"] ?? (string)_model["metadata"]!["endpointPrefix"]!;

    public string? TargetPrefix => (string?)_model["metadata"]!["targetPrefix"];

    public sealed record Match(string Operation, JsonObject Input, IReadOnlyList<string> Errors);

    /// <summary>Identifies and validates the request; <see cref="Match.Errors"/> is empty when it is valid.</summary>
    public Match Validate(string method, string rawPath, string rawQuery, Func<string, string?> header, byte[] body)
    {
        return Protocol switch
        {
            "rest-json" => ValidateRestJson(method, rawPath, rawQuery, header, body),
            "json" => ValidateJson(method, rawPath, header, body),
            _ => throw new NotSupportedException(Protocol),
        };
    }

    public JsonObject Shape(string name) => _model["shapes"]![name]!.AsObject();

    /// <summary>Checks a success response body against the operation's output shape (so the fakes answer as the service does).</summary>
    public IReadOnlyList<string> ValidateOutput(string operation, string body)
    {
        var errors = new List<string>();
        var output = ParseBody(System.Text.Encoding.UTF8.GetBytes(body), errors);
        if (_model["operations"]![operation]?["output"]?["shape"] is { } shape)
        {
            CheckStructure(output, (string)shape!, operation + " response", errors, bodyOnly: true);
        }

        return errors;
    }

    private Match ValidateJson(string method, string rawPath, Func<string, string?> header, byte[] body)
    {
        var errors = new List<string>();
        var target = header("X-Amz-Target") ?? string.Empty;
        var operation = target.StartsWith(TargetPrefix + ".", StringComparison.Ordinal) ? target[(TargetPrefix!.Length + 1)..] : null;
        if (operation is null || _model["operations"]![operation] is null)
        {
            return new Match("?", [], [$"X-Amz-Target '{target}' names no operation of {TargetPrefix}"]);
        }

        if (method != "POST" || rawPath != "/")
        {
            errors.Add($"awsJson1_0 requests are POST /, not {method} {rawPath}");
        }

        var version = (string?)_model["metadata"]!["jsonVersion"];
        if (header("Content-Type") is not { } contentType || !contentType.StartsWith($"application/x-amz-json-{version}", StringComparison.Ordinal))
        {
            errors.Add($"Content-Type is '{header("Content-Type")}', not application/x-amz-json-{version}");
        }

        var input = ParseBody(body, errors);
        var inputShape = (string)_model["operations"]![operation]!["input"]!["shape"]!;
        CheckStructure(input, inputShape, operation, errors, bodyOnly: false);
        return new Match(operation, input, errors);
    }

    private Match ValidateRestJson(string method, string rawPath, string rawQuery, Func<string, string?> header, byte[] body)
    {
        foreach (var (name, node) in _model["operations"]!.AsObject())
        {
            var http = node!["http"]!;
            if ((string)http["method"]! != method)
            {
                continue;
            }

            var template = ((string)http["requestUri"]!).Split('?')[0];
            var labels = MatchTemplate(template, rawPath);
            if (labels is null)
            {
                continue;
            }

            var errors = new List<string>();
            var inputShape = (string)node["input"]!["shape"]!;
            var shape = Shape(inputShape);
            var members = shape["members"]!.AsObject();
            var hasBodyMembers = members.Any(m => m.Value!["location"] is null);
            var input = hasBodyMembers || body.Length > 0 ? ParseBody(body, errors) : [];
            if (hasBodyMembers && header("Content-Type") is not { } ct)
            {
                errors.Add("a request with a JSON body needs a Content-Type");
            }

            foreach (var (label, (raw, value)) in labels)
            {
                if (Uri.EscapeDataString(value) != raw && raw != value)
                {
                    errors.Add($"URI label {label}: '{raw}' is not '{value}' percent-encoded");
                }

                if (input.ContainsKey(label))
                {
                    errors.Add($"{label} is bound to the URI and must not also be in the body");
                }

                input[label] = value;
            }

            var query = ParseQuery(rawQuery);
            foreach (var (memberName, member) in members)
            {
                var location = (string?)member!["location"];
                var wireName = (string?)member["locationName"] ?? memberName;
                switch (location)
                {
                    case "querystring":
                        if (query.Remove(wireName, out var q))
                        {
                            input[memberName] = CoerceQuery(q, (string)member["shape"]!);
                        }

                        break;
                    case "header":
                        if (header(wireName) is { } h)
                        {
                            input[memberName] = h;
                        }

                        break;
                    case "uri":
                        if (!labels.ContainsKey(wireName))
                        {
                            errors.Add($"URI label {wireName} missing");
                        }

                        break;
                }
            }

            foreach (var extra in query.Keys)
            {
                errors.Add($"query parameter '{extra}' is not in {inputShape}");
            }

            CheckStructure(input, inputShape, name, errors, bodyOnly: false);
            return new Match(name, input, errors);
        }

        return new Match("?", [], [$"{method} {rawPath} matches no operation's requestUri"]);
    }

    private static Dictionary<string, (string Raw, string Value)>? MatchTemplate(string template, string rawPath)
    {
        var t = template.Trim('/').Split('/');
        var p = rawPath.Trim('/').Split('/');
        if (t.Length != p.Length)
        {
            return null;
        }

        var labels = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i].StartsWith('{') && t[i].EndsWith('}'))
            {
                if (p[i].Length == 0)
                {
                    return null;
                }

                labels[t[i][1..^1].TrimEnd('+')] = (p[i], Uri.UnescapeDataString(p[i]));
            }
            else if (t[i] != p[i])
            {
                return null;
            }
        }

        return labels;
    }

    private JsonNode CoerceQuery(string value, string shapeName) => (string)Shape(shapeName)["type"]! switch
    {
        "integer" or "long" => long.TryParse(value, out var n) ? JsonValue.Create(n) : JsonValue.Create(value),
        "boolean" => bool.TryParse(value, out var b) ? JsonValue.Create(b) : JsonValue.Create(value),
        _ => JsonValue.Create(value),
    };

    private static Dictionary<string, string> ParseQuery(string rawQuery) =>
        rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty), StringComparer.Ordinal);

    private static JsonObject ParseBody(byte[] body, List<string> errors)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject o ? o : Fail("the body is not a JSON object");
        }
        catch (JsonException e)
        {
            return Fail("the body is not JSON: " + e.Message);
        }

        JsonObject Fail(string error)
        {
            errors.Add(error);
            return [];
        }
    }

    private void CheckStructure(JsonObject value, string shapeName, string path, List<string> errors, bool bodyOnly)
    {
        var shape = Shape(shapeName);
        var members = shape["members"]!.AsObject();
        foreach (var required in shape["required"]?.AsArray().Select(r => (string)r!) ?? [])
        {
            if (!value.ContainsKey(required) || value[required] is null)
            {
                errors.Add($"{path}.{required} is required");
            }
        }

        foreach (var (name, node) in value)
        {
            if (members[name] is not JsonObject member)
            {
                errors.Add($"{path}.{name} is not a member of {shapeName}");
                continue;
            }

            if (node is null)
            {
                errors.Add($"{path}.{name} is null; absent members are omitted, not null");
                continue;
            }

            CheckValue(node, (string)member["shape"]!, $"{path}.{name}", errors);
        }
    }

    private void CheckValue(JsonNode node, string shapeName, string path, List<string> errors)
    {
        var shape = Shape(shapeName);
        var type = (string)shape["type"]!;
        switch (type)
        {
            case "string":
                if (node.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{path} must be a string");
                    return;
                }

                var s = node.GetValue<string>();
                if (shape["min"] is { } min && s.Length < (int)min)
                {
                    errors.Add($"{path} is shorter than {min}");
                }

                if (shape["max"] is { } max && s.Length > (int)max)
                {
                    errors.Add($"{path} is longer than {max}");
                }

                if (shape["enum"] is JsonArray values && !values.Any(v => (string)v! == s))
                {
                    errors.Add($"{path} '{s}' is not one of {string.Join(", ", values)}");
                }

                if (shape["pattern"] is { } pattern && !Regex.IsMatch(s, "^(?:" + JavaToDotNet((string)pattern!) + ")$", RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add($"{path} '{s}' does not match {pattern}");
                }

                break;
            case "integer" or "long":
                if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), out var n))
                {
                    errors.Add($"{path} must be an integer");
                }
                else if ((shape["min"] is { } imin && n < (long)imin) || (shape["max"] is { } imax && n > (long)imax))
                {
                    errors.Add($"{path} {n} is out of range");
                }

                break;
            case "boolean":
                if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path} must be a boolean");
                }

                break;
            case "timestamp":
                if (node.GetValueKind() != JsonValueKind.Number)
                {
                    errors.Add($"{path} must be epoch seconds (a number)");
                }

                break;
            case "structure":
                if (node is JsonObject o)
                {
                    CheckStructure(o, shapeName, path, errors, bodyOnly: true);
                }
                else
                {
                    errors.Add($"{path} must be an object");
                }

                break;
            case "list":
                if (node is JsonArray a)
                {
                    var memberShape = (string)shape["member"]!["shape"]!;
                    for (var i = 0; i < a.Count; i++)
                    {
                        CheckValue(a[i]!, memberShape, $"{path}[{i}]", errors);
                    }
                }
                else
                {
                    errors.Add($"{path} must be an array");
                }

                break;
            default:
                if (node is not JsonObject and not JsonValue)
                {
                    errors.Add($"{path} has an unexpected form for {type}");
                }

                break;
        }
    }

    private static string JavaToDotNet(string pattern) => pattern.Replace("\\p{ASCII}", "[\\x00-\\x7F]", StringComparison.Ordinal);
}
