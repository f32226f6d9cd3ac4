using Mediator;

namespace ImagingGateway.Application.Instances.GetInstance;

/// <summary>One received instance by its SOP Instance UID; null when no closed batch holds it.</summary>
public sealed record GetInstanceQuery(string SopInstanceUid) : IQuery<InstanceDto?>;
