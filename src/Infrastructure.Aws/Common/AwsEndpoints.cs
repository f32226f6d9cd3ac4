namespace ImagingGateway.Infrastructure.Aws.Common;

/// <summary>
/// The standard endpoint overrides: <c>AWS_ENDPOINT_URL_{SERVICE}</c> first, then <c>AWS_ENDPOINT_URL</c>
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). The service part is the
/// service id upper-cased with spaces as underscores: S3, DYNAMODB, MEDICAL_IMAGING, SFN.
/// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c> turns them all off. AWSSDK.Core 4.1 reads the same variables for
/// S3 and DynamoDB; resolving them here as well makes the four services behave alike and lets tests inject them.
/// </summary>
public sealed class AwsEndpoints(Func<string, string?> environment)
{
    public const string S3 = "S3";
    public const string DynamoDb = "DYNAMODB";
    public const string MedicalImaging = "MEDICAL_IMAGING";
    public const string StepFunctions = "SFN";

    public static AwsEndpoints FromEnvironment { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>The overriding endpoint for <paramref name="service"/>, or null to use the service's regional endpoint.</summary>
    public Uri? Resolve(string service)
    {
        if (string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var value = environment("AWS_ENDPOINT_URL_" + service);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = environment("AWS_ENDPOINT_URL");
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"AWS_ENDPOINT_URL for {service}: '{value}' is not an absolute http(s) URL");
        }

        return uri;
    }
}
