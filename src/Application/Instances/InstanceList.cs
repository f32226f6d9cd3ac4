using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Instances;

/// <summary>Instances of one study, oldest received first, at most the requested limit.</summary>
public sealed record InstanceList([property: JsonPropertyName("instances")] IReadOnlyList<InstanceDto> Instances);
