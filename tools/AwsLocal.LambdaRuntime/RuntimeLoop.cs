using System.Reflection;
using System.Text;
using System.Text.Json;

namespace ImagingGateway.AwsLocal.LambdaRuntime;

/// <summary>
/// A managed-runtime stand-in: resolves <c>_HANDLER</c> (<c>Assembly::Type::Method</c>) in <c>LAMBDA_TASK_ROOT</c> by
/// reflection, constructs the type with its parameterless constructor (once, as the runtime does per execution
/// environment), and serves invocations from the Runtime API at <c>AWS_LAMBDA_RUNTIME_API</c>
/// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): next → handler(Stream) → response, or error with
/// the exception type's short name as errorType.
/// </summary>
public static class RuntimeLoop
{
    public static async Task<int> RunAsync()
    {
        var api = Required("AWS_LAMBDA_RUNTIME_API");
        var handler = Required("_HANDLER").Split("::");
        var taskRoot = Required("LAMBDA_TASK_ROOT");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{api}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };

        MethodInfo method;
        object? instance;
        try
        {
            var context = new FunctionLoadContext(Path.Combine(taskRoot, handler[0] + ".dll"));
            var assembly = context.LoadFromAssemblyName(new AssemblyName(handler[0]));
            var type = assembly.GetType(handler[1], throwOnError: true)!;
            method = type.GetMethod(handler[2], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                ?? throw new MissingMethodException(handler[1], handler[2]);
            instance = method.IsStatic ? null : Activator.CreateInstance(type);
        }
        catch (Exception e)
        {
            var error = Unwrap(e);
            await http.PostAsync("init/error", ErrorBody(error));
            Console.Error.WriteLine($"init failed: {error}");
            return 1;
        }

        while (true)
        {
            using var next = await http.GetAsync("invocation/next");
            var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
            var input = await next.Content.ReadAsByteArrayAsync();
            try
            {
                var result = method.Invoke(instance, [new MemoryStream(input)]);
                if (result is Task task)
                {
                    await task;
                    result = task.GetType().GetProperty("Result")?.GetValue(task);
                }
                var output = new MemoryStream();
                if (result is Stream stream)
                {
                    await stream.CopyToAsync(output);
                }
                using var content = new ByteArrayContent(output.ToArray());
                (await http.PostAsync($"invocation/{requestId}/response", content)).EnsureSuccessStatusCode();
            }
            catch (Exception e)
            {
                var error = Unwrap(e);
                Console.Error.WriteLine($"invocation {requestId} failed: {error}");
                (await http.PostAsync($"invocation/{requestId}/error", ErrorBody(error))).EnsureSuccessStatusCode();
            }
        }
    }

    private static Exception Unwrap(Exception e) =>
        e is TargetInvocationException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static StringContent ErrorBody(Exception e)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["errorType"] = e.GetType().Name,
            ["errorMessage"] = e.Message,
            ["stackTrace"] = (e.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        });
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        content.Headers.Add("Lambda-Runtime-Function-Error-Type", "Unhandled");
        return content;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set");
}
