using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Instances;

internal static class ReceivedInstanceIndexes
{
    public static IReceivedInstanceIndex Required(IReceivedInstanceIndex? index) =>
        index ?? throw new InvalidOperationException(
            $"this host has no received-instance index: register an {nameof(IReceivedInstanceIndex)} adapter to query instances");
}
