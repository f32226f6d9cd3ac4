using System.Text.Json;
using Amazon.CDK;
using ImagingGateway.Deploy;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.AwsLocal.Template;

/// <summary>
/// Synthesizes the CDK app in-process, as deploy/Program.cs does, with the context of deploy/cdk.json: the template
/// it writes is the one <c>cdk deploy</c> would send to CloudFormation (with <c>-c KEY=VALUE</c> for each override).
/// </summary>
public static class TemplateSynthesizer
{
    public const string StackName = "ImagingGateway";

    /// <param name="lambdaCodePath">The Lambda build output, staged as the functions' code asset.</param>
    /// <param name="outDirectory">Where the cloud assembly is written.</param>
    /// <param name="overrides">Deploy parameters given on the command line, over cdk.json's.</param>
    public static string Synthesize(string repositoryRoot, string lambdaCodePath, string outDirectory, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var context = ReadCdkJsonContext(Path.Combine(repositoryRoot, "deploy", "cdk.json"));
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            context[key] = value;
        }

        context["lambdaCodePath"] = lambdaCodePath;
        context["dockerContextPath"] = repositoryRoot;
        // A registry image instead of a Docker build asset: the Gateway runs here from its build output, and staging the
        // repository as a Docker context would copy every bin folder.
        context["gatewayImage"] = "imaging-gateway:awslocal";
        var app = new App(new AppProps { Context = context, Outdir = outDirectory });
        var stack = new ImagingGatewayStack(app, StackName, DeploySettings.FromContext(app.Node));
        var assembly = app.Synth();
        return File.ReadAllText(Path.Combine(assembly.Directory, stack.TemplateFile));
    }

    private static Dictionary<string, object> ReadCdkJsonContext(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("context").EnumerateObject().ToDictionary(p => p.Name, p => ToClr(p.Value));
    }

    private static object ToClr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(ToClr).ToArray(),
        _ => throw new NotSupportedException($"cdk.json context value of kind {value.ValueKind}"),
    };
}
