using System.Text;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.Infrastructure.Aws.Tests.HealthImaging;

/// <summary>The test server's judge can fail: it names what is wrong with a request or a response.</summary>
public sealed class ServiceModelTests
{
    private readonly ServiceModel _imaging = new("botocore-medical-imaging-2023-07-19.service-2.json");
    private readonly ServiceModel _states = new("botocore-stepfunctions-2016-11-23.service-2.json");

    [Fact]
    public void GivenStartRequestWithAMissingAndAnUnknownMember_WhenValidated_ThenBothAreNamed()
    {
        var body = Encoding.UTF8.GetBytes("""{"dataAccessRoleArn":"arn:aws:iam::111122223333:role/r","inputS3Uri":"s3://dicom/p/","outputS3Uri":"s3://results/p/","colour":"blue"}""");

        var match = _imaging.Validate("POST", "/startDICOMImportJob/datastore/0123456789abcdef0123456789abcdef", string.Empty, h => h == "Content-Type" ? "application/json" : null, body);

        Assert.Equal("StartDICOMImportJob", match.Operation);
        Assert.Contains(match.Errors, e => e.Contains("clientToken is required", StringComparison.Ordinal));
        Assert.Contains(match.Errors, e => e.Contains("colour is not a member", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenLabelThatBreaksThePattern_WhenValidated_ThenRejected()
    {
        var match = _imaging.Validate("GET", "/getDICOMImportJob/datastore/NOT-A-DATASTORE/job/abc", string.Empty, _ => null, []);

        Assert.Equal("GetDICOMImportJob", match.Operation);
        Assert.Contains(match.Errors, e => e.Contains("datastoreId", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenResponseWithAStringTimestampAndNoJobId_WhenValidated_ThenBothAreNamed()
    {
        var errors = _imaging.ValidateOutput("StartDICOMImportJob", """{"datastoreId":"0123456789abcdef0123456789abcdef","jobStatus":"SUBMITTED","submittedAt":"2026-11-28T05:00:00Z"}""");

        Assert.Contains(errors, e => e.Contains("jobId is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("submittedAt must be epoch seconds", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAwsJsonRequestWithoutTarget_WhenValidated_ThenRejected()
    {
        var match = _states.Validate("POST", "/", string.Empty, _ => null, Encoding.UTF8.GetBytes("{}"));

        Assert.NotEmpty(match.Errors);
    }
}
