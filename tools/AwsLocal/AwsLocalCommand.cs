using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImagingGateway.AwsLocal.Template;

namespace ImagingGateway.AwsLocal;

/// <summary>
/// The command line: <c>--run-dir DIR</c> (default ./awslocal-run), <c>--dicom-port N</c> (default 0: any free port),
/// <c>--context KEY=VALUE</c> (repeatable: a deploy parameter over deploy/cdk.json's, as <c>cdk deploy -c</c> takes it),
/// <c>--synth-only</c>.
/// </summary>
public static class AwsLocalCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runDirectory = Path.GetFullPath(Option(args, "--run-dir") ?? "awslocal-run");
        if (args.FirstOrDefault() == "grants")
        {
            return Iam.GrantsCommand.Run(runDirectory, Console.Out);
        }

        var dicomPort = int.Parse(Option(args, "--dicom-port") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(runDirectory);
        var paths = new LocalPaths(BuildConfiguration());
        paths.LambdaCode = await PublishLambdaAsync(paths, Path.Combine(runDirectory, "lambda-code"));
        Console.WriteLine($"synthesizing the CDK app (lambdaCodePath = {paths.LambdaCode})");
        var templateJson = TemplateSynthesizer.Synthesize(paths.Root, paths.LambdaCode, Path.Combine(runDirectory, "cdk.out"), ContextOverrides(args));
        File.WriteAllText(Path.Combine(runDirectory, "template.json"), templateJson);
        var model = new TemplateModel(templateJson);
        File.WriteAllText(Path.Combine(runDirectory, "principals.json"), Principals(model).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (args.Contains("--synth-only"))
        {
            return 0;
        }

        await using var topology = await Topology.StartAsync(model, paths, runDirectory, dicomPort);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping");
        }
        return 0;
    }

    /// <summary>
    /// Every role of the template with its resolved identity-policy statements (the IAM check's input), and what uses
    /// it: a function, the Gateway's task definition, a state machine, or nothing named here (the HealthImaging data
    /// access role, the CDK's helper functions).
    /// </summary>
    public static JsonObject Principals(TemplateModel model)
    {
        var users = new Dictionary<string, (string Kind, string Resource)>(StringComparer.Ordinal);
        foreach (var f in model.Functions())
        {
            users[f.RoleLogicalId] = ("lambda", f.LogicalId);
        }
        foreach (var c in model.Containers())
        {
            users.TryAdd(c.TaskRoleLogicalId, ("ecs-task", c.TaskDefinitionLogicalId));
        }
        foreach (var s in model.StateMachines())
        {
            users[s.RoleLogicalId] = ("states", s.LogicalId);
        }
        var principals = new JsonObject();
        foreach (var role in model.LogicalIds("AWS::IAM::Role"))
        {
            var (kind, resource) = users.GetValueOrDefault(role, ("role", ""));
            principals[role] = Principal(kind, resource, model.Resolver.AttributeOf(role, "Arn"), model.PolicyStatements(role), model.ManagedPolicyArns(role));
        }
        // Roles a service assumes for its own calls (HealthImaging's data access role).
        foreach (var role in model.LogicalIds("AWS::IAM::Role").Where(r => !principals.ContainsKey(r)))
        {
            principals[role] = Principal("role", role, model.Resolver.AttributeOf(role, "Arn"), model.PolicyStatements(role), model.ManagedPolicyArns(role));
        }
        // A service invoking a function (S3 notifications, EventBridge) is allowed by the function's resource policy.
        foreach (var permission in model.LogicalIds("AWS::Lambda::Permission").Select(model.Properties))
        {
            var service = (string)permission["Principal"]!;
            var statement = new JsonObject
            {
                ["Effect"] = "Allow",
                ["Action"] = (string)permission["Action"]!,
                ["Resource"] = (string)permission["FunctionName"]!,
            };
            if (principals[service] is JsonObject existing)
            {
                existing["statements"]!.AsArray().Add(statement);
            }
            else
            {
                principals[service] = Principal("service", service, service, [statement], []);
            }
        }
        return principals;
    }

    private static JsonObject Principal(string kind, string resource, string roleArn, IReadOnlyList<JsonObject> statements, IReadOnlyList<string> managed) => new()
    {
        ["kind"] = kind,
        ["resource"] = resource,
        ["roleArn"] = roleArn,
        ["statements"] = new JsonArray(statements.Select(s => (JsonNode)s.DeepClone()).ToArray()),
        ["managedPolicyArns"] = new JsonArray(managed.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()),
    };

    /// <summary>The function package as deploy/README.md makes it (publish of the built project), so the code folder holds every dependency.</summary>
    private static async Task<string> PublishLambdaAsync(LocalPaths paths, string output)
    {
        Console.WriteLine($"publishing {paths.LambdaProject} to {output}");
        var info = new System.Diagnostics.ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "publish", paths.LambdaProject, "-c", paths.Configuration, "--no-build", "-o", output, "-nologo", "-v", "q" })
        {
            info.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the Lambda project failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
        return output;
    }

    private static Dictionary<string, string> ContextOverrides(string[] args)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--context")
            {
                var pair = args[i + 1];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"--context '{pair}': expected KEY=VALUE");
                }

                overrides[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return overrides;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string BuildConfiguration() =>
        typeof(AwsLocalCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
}
