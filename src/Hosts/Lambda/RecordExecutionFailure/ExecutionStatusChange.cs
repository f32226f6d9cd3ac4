using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Serialization;

namespace ImagingGateway.Lambda.RecordExecutionFailure;

/// <summary>
/// The parts of an EventBridge "Step Functions Execution Status Change" event (source <c>aws.states</c>) the recorder
/// reads: the execution's name (the batch id), its final status, the error and cause when Step Functions gives them,
/// and its input (the <see cref="ImportState"/> TriggerImport started it with).
/// </summary>
public sealed record ExecutionStatusChange(string ExecutionArn, string Name, string Status, string? Error, string? Cause, ImportState? Input)
{
    public const string DetailType = "Step Functions Execution Status Change";

    /// <exception cref="FormatException">The event is not an execution status change.</exception>
    public static ExecutionStatusChange Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("detail-type", out var type) || type.GetString() != DetailType
            || !root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"not an EventBridge \"{DetailType}\" event");
        }

        var input = String(detail, "input") is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, ApplicationJsonContext.Default.ImportState)
            : null;
        return new ExecutionStatusChange(
            String(detail, "executionArn") ?? throw new FormatException("detail.executionArn is missing"),
            String(detail, "name") ?? throw new FormatException("detail.name is missing"),
            String(detail, "status") ?? throw new FormatException("detail.status is missing"),
            String(detail, "error"),
            String(detail, "cause"),
            input);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
