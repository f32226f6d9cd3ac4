using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Imports;

namespace ImagingGateway.Application.Common.Serialization;

/// <summary>
/// Source-generated JSON for the documents the parts exchange: the batch manifest, the workflow's
/// <see cref="ImportState"/> and the job DTOs. Property names come from the attributes on each type.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(BatchManifest))]
[JsonSerializable(typeof(ImportState))]
[JsonSerializable(typeof(ImportJobDto))]
[JsonSerializable(typeof(ImportJobList))]
public sealed partial class ApplicationJsonContext : JsonSerializerContext;
