using Mediator;

namespace ImagingGateway.Application.Instances.ListInstances;

/// <summary>The received instances of one study, oldest received first, at most <see cref="Limit"/>.</summary>
public sealed record ListInstancesQuery(string? StudyInstanceUid, int Limit = 100) : IQuery<InstanceList>;
