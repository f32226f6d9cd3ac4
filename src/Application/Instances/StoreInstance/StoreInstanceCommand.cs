using Mediator;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// One C-STORE: the SCP sends it once per request, with the command's Affected SOP Class and Instance UIDs, the
/// presentation context's transfer syntax, and <see cref="Content"/>, the data set bytes exactly as received (no
/// Part 10 header), which the SCP fills from P-DATA fragments. The handler reads <see cref="Content"/> to its end
/// (also when it rejects the data set), except when reading it throws; answer with the result's status.
/// </summary>
public sealed record StoreInstanceCommand(
    string AssociationId,
    string CallingAeTitle,
    string CalledAeTitle,
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    Stream Content) : ICommand<StoreInstanceResult>;
