using System.Reflection;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>
/// Stands in for a port a function does not compose. The source-generated mediator constructs every handler once,
/// so each port needs an instance; calling one names the port and the function instead of failing on a setting the
/// function was never given.
/// </summary>
public class PortNotComposed : DispatchProxy
{
    private string _function = "this function";

    public static T Create<T>(string function)
        where T : class
    {
        var proxy = Create<T, PortNotComposed>();
        ((PortNotComposed)(object)proxy)._function = function;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException(
            $"{_function} does not compose {targetMethod?.DeclaringType?.Name}: its handler was not expected to call {targetMethod?.Name}");
}
