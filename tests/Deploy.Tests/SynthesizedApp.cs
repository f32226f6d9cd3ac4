using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using ImagingGateway.Deploy;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests;

/// <summary>
/// Synthesizes the app once, with the context of deploy/cdk.json plus the given overrides, and exposes the
/// template both as a CDK assertions <see cref="Amazon.CDK.Assertions.Template"/> and as JSON for whole-template scans.
/// Synth is slow (jsii + node), so test classes share one instance through a collection fixture.
/// </summary>
public abstract class SynthesizedApp : IDisposable
{
    private readonly string _workDirectory;

    protected SynthesizedApp(IReadOnlyDictionary<string, object> overrides)
    {
        RepositoryRoot = FindRepositoryRoot();
        _workDirectory = Directory.CreateTempSubdirectory("deploy-tests-").FullName;
        var lambdaCode = Directory.CreateDirectory(Path.Combine(_workDirectory, "lambda"));
        // The tests assert on the template, not on the function code: any folder stands in for the publish output.
        File.WriteAllText(Path.Combine(lambdaCode.FullName, "placeholder.txt"), "dotnet publish output goes here");

        var context = ReadCdkJsonContext(Path.Combine(RepositoryRoot, "deploy", "cdk.json"));
        context["lambdaCodePath"] = lambdaCode.FullName;
        context["dockerContextPath"] = RepositoryRoot;
        foreach (var (key, value) in overrides)
        {
            context[key] = value;
        }
        Context = context;

        var app = new App(new AppProps { Context = context, Outdir = Path.Combine(_workDirectory, "cdk.out") });
        Settings = DeploySettings.FromContext(app.Node);
        Stack = new ImagingGatewayStack(app, "ImagingGateway", Settings);
        var assembly = app.Synth();
        TemplateJson = File.ReadAllText(Path.Combine(assembly.Directory, Stack.TemplateFile));
        Json = JsonDocument.Parse(TemplateJson);
        Template = Template.FromStack(Stack, null);
        Warnings = assembly.GetStackArtifact(Stack.ArtifactId).Messages
            .Where(m => m.Level == Amazon.CDK.CXAPI.SynthesisMessageLevel.WARNING)
            .Select(m => m.Entry.Data?.ToString() ?? "")
            .ToList();
    }

    public string RepositoryRoot { get; }

    public IReadOnlyDictionary<string, object> Context { get; }

    public DeploySettings Settings { get; }

    public ImagingGatewayStack Stack { get; }

    public string TemplateJson { get; }

    public JsonDocument Json { get; }

    public Template Template { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Every resource of a CloudFormation type: (logical id, resource).</summary>
    public IReadOnlyList<(string Id, JsonElement Resource)> Resources(string type) =>
        Json.RootElement.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == type)
            .Select(r => (r.Name, r.Value))
            .ToList();

    public JsonElement Single(string type) => Assert.Single(Resources(type)).Resource;

    public void Dispose()
    {
        Json.Dispose();
        Directory.Delete(_workDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static Dictionary<string, object> ReadCdkJsonContext(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("context").EnumerateObject()
            .ToDictionary(p => p.Name, p => ToClr(p.Value));
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

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImagingGateway.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (ImagingGateway.slnx) not found above " + AppContext.BaseDirectory);
    }
}
