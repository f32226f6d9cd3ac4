using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of an <see cref="ImportFunction"/>.</summary>
/// <param name="Handler">the handler string of docs/contracts.md</param>
/// <param name="Code">the <c>dotnet publish</c> output of src/Hosts/Lambda</param>
/// <param name="ReservedConcurrency">0 leaves the function on the account's unreserved pool</param>
/// <param name="FailedEvents">for asynchronously invoked functions: where an event goes after its retries, instead of being dropped</param>
public sealed record ImportFunctionProps(
    string Description,
    string Handler,
    Code Code,
    int MemoryMiB,
    int ReservedConcurrency,
    Duration Timeout,
    IDictionary<string, string> Environment,
    RetentionDays LogRetention,
    IQueue? FailedEvents = null);
