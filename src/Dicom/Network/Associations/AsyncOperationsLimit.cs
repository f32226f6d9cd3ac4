using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>
/// Our side of the asynchronous operations window (PS3.7 D.3.3.3): as acceptor, the most operations we let the
/// requestor have outstanding (<see cref="Invoked"/>) and the most we would invoke on it (<see cref="Performed"/>); as
/// requestor, what we propose. Both at least 1, since 0 means unlimited on the wire; (1, 1) is the synchronous default.
/// </summary>
public sealed record AsyncOperationsLimit
{
    public AsyncOperationsLimit(ushort invoked, ushort performed)
    {
        ArgumentOutOfRangeException.ThrowIfZero(invoked);
        ArgumentOutOfRangeException.ThrowIfZero(performed);
        Invoked = invoked;
        Performed = performed;
    }

    public ushort Invoked { get; }

    public ushort Performed { get; }

    /// <summary>Whether there is anything to negotiate: a window larger than the default of one.</summary>
    public bool IsAsynchronous => Invoked > 1 || Performed > 1;

    /// <summary>
    /// The acceptor's answer to a proposed window: each value at most what was proposed (0 proposed means unlimited,
    /// so our own limit applies) and at most ours.
    /// </summary>
    public AsynchronousOperationsWindow Answer(AsynchronousOperationsWindow proposed) => new(
        Grant(proposed.MaximumOperationsInvoked, Invoked),
        Grant(proposed.MaximumOperationsPerformed, Performed));

    /// <summary>The window the requestor may use, from the acceptor's answer: absent means one at a time.</summary>
    public ushort GrantedTo(AsynchronousOperationsWindow? answer) =>
        answer is null ? (ushort)1 : Grant(answer.MaximumOperationsInvoked, Invoked);

    private static ushort Grant(ushort proposed, ushort limit) => proposed == 0 ? limit : Math.Min(proposed, limit);
}
