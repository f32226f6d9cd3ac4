using Mediator;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// One C-STORE, before its data set: the SCP sends it once per request, with the command's Affected SOP Class and
/// Instance UIDs and the presentation context's transfer syntax, and gets back the session it writes the data set
/// into (the bytes exactly as received, no Part 10 header) and completes for the answer's status.
/// </summary>
public sealed record StoreInstanceCommand(
    string AssociationId,
    string CallingAeTitle,
    string CalledAeTitle,
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid) : ICommand<StoreInstanceSession>;
