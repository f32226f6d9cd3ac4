using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Imports;
using ImagingGateway.Application.Imports.RetryImportJob;
using ImagingGateway.Application.Instances;

namespace ImagingGateway.Application.Common.Serialization;

/// <summary>
/// Source-generated JSON for the documents the parts exchange: the batch manifest, the workflow's
/// <see cref="ImportState"/>, the job DTOs and the instance DTOs. Property names come from the attributes on each type.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(BatchManifest))]
[JsonSerializable(typeof(ImportState))]
[JsonSerializable(typeof(ImportJobDto))]
[JsonSerializable(typeof(ImportJobList))]
[JsonSerializable(typeof(RetryImportJobResult))]
[JsonSerializable(typeof(InstanceDto))]
[JsonSerializable(typeof(InstanceList))]
[JsonSerializable(typeof(ImagingGateway.Application.Commitments.StorageCommitmentDto))]
public sealed partial class ApplicationJsonContext : JsonSerializerContext;
