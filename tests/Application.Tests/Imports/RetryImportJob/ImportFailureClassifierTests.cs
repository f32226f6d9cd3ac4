using ImagingGateway.Application.Imports.RetryImportJob;

namespace ImagingGateway.Application.Tests.Imports.RetryImportJob;

public sealed class ImportFailureClassifierTests
{
    [Theory]
    [InlineData("ValidationException: not a valid DICOM P10 file: no 'DICM' prefix")]
    [InlineData("ValidationException: DICOM P10 file is truncated or corrupt after its header")]
    [InlineData("ValidationException: unsupported transfer syntax")]
    public void GivenAValidationFailure_WhenClassified_ThenItIsNotRetryableAndTheReasonSaysWhy(string reason)
    {
        var why = ImportFailureClassifier.WhyNotRetryable(reason);

        Assert.NotNull(why);
        Assert.StartsWith("ValidationException: the file itself is invalid", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InternalServerException: the service could not read the object")]
    [InlineData("ThrottlingException: rate exceeded")]
    [InlineData("AccessDeniedException: the role cannot read s3://dicom/x.dcm")]
    [InlineData("something went wrong")]
    [InlineData("")]
    public void GivenAFailureOutsideTheFile_WhenClassified_ThenItIsRetryable(string reason)
    {
        Assert.Null(ImportFailureClassifier.WhyNotRetryable(reason));
    }

    [Theory]
    [InlineData("ValidationException: x", "ValidationException")]
    [InlineData("InternalServerException", "InternalServerException")]
    [InlineData("not a type: x", null)]
    public void GivenAReason_WhenItsExceptionTypeIsRead_ThenItIsTheLeadingWord(string reason, string? expected)
    {
        Assert.Equal(expected, ImportFailureClassifier.ExceptionTypeOf(reason));
    }
}
