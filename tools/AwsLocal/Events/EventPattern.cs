using System.Text.Json.Nodes;

namespace ImagingGateway.AwsLocal.Events;

/// <summary>
/// EventBridge event pattern matching (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
/// every field of the pattern must match; an array lists accepted values (exact, or <c>prefix</c>, <c>anything-but</c>,
/// <c>exists</c>), an object descends into the event.
/// </summary>
public static class EventPattern
{
    public static bool Matches(JsonObject pattern, JsonNode? @event)
    {
        foreach (var (field, expected) in pattern)
        {
            var actual = (@event as JsonObject)?[field];
            var ok = expected switch
            {
                JsonObject nested => Matches(nested, actual),
                JsonArray accepted => accepted.Any(a => Accepts(a, actual, (@event as JsonObject)?.ContainsKey(field) == true)),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool Accepts(JsonNode? rule, JsonNode? actual, bool present)
    {
        if (rule is JsonObject filter)
        {
            var (name, argument) = filter.First();
            var text = actual is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            return name switch
            {
                "prefix" => text is not null && text.StartsWith((string)argument!, StringComparison.Ordinal),
                "exists" => (bool)argument! == present,
                "anything-but" => argument is JsonArray values ? !values.Any(x => JsonNode.DeepEquals(x, actual)) : !JsonNode.DeepEquals(argument, actual),
                _ => throw new NotSupportedException($"event pattern filter {name}"),
            };
        }
        return actual is JsonArray array ? array.Any(a => JsonNode.DeepEquals(a, rule)) : JsonNode.DeepEquals(rule, actual);
    }
}
