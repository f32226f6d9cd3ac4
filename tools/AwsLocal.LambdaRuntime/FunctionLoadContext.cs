using System.Reflection;
using System.Runtime.Loader;

namespace ImagingGateway.AwsLocal.LambdaRuntime;

/// <summary>Loads the function's assembly and its dependencies from the code folder (its .deps.json), as the managed runtime does.</summary>
public sealed class FunctionLoadContext(string mainAssemblyPath) : AssemblyLoadContext("function")
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
