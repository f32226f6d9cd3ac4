using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Contracts;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

/// <summary>ImportState as the execution input: every member written, nulls included (docs/contracts.md).</summary>
[JsonSerializable(typeof(ImportState))]
public sealed partial class ImportStateJsonContext : JsonSerializerContext;
