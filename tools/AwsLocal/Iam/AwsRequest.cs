namespace ImagingGateway.AwsLocal.Iam;

/// <summary>One line of <c>requests.jsonl</c>: who called which action on which resource.</summary>
public sealed record AwsRequest(string Principal, string Action, string Resource)
{
    /// <summary>
    /// The request-context keys the template's conditions read. A role is only ever passed to HealthImaging
    /// (StartDICOMImportJob's data access role), so a logged iam:PassRole carries that service.
    /// </summary>
    public IReadOnlyDictionary<string, string> Context => Action == "iam:PassRole"
        ? new Dictionary<string, string> { ["iam:PassedToService"] = "medical-imaging.amazonaws.com" }
        : new Dictionary<string, string>();
}
