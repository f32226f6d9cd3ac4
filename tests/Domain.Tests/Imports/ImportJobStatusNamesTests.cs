using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Domain.Tests.Imports;

public sealed class ImportJobStatusNamesTests
{
    [Theory]
    [InlineData(ImportJobStatus.Submitted, "SUBMITTED", false)]
    [InlineData(ImportJobStatus.InProgress, "IN_PROGRESS", false)]
    [InlineData(ImportJobStatus.Completed, "COMPLETED", true)]
    [InlineData(ImportJobStatus.Failed, "FAILED", true)]
    public void GivenAStatus_WhenWrittenAndReadBack_ThenItUsesHealthImagingsWireName(ImportJobStatus status, string wire, bool terminal)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.Equal(status, ImportJobStatusNames.Parse(wire));
        Assert.Equal(terminal, status.IsTerminal());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("completed")]
    [InlineData("RUNNING")]
    [InlineData("IN PROGRESS")]
    public void GivenAnUnknownName_WhenParsed_ThenADomainErrorNamesJobStatus(string? wire)
    {
        Assert.False(ImportJobStatusNames.TryParse(wire, out _));
        Assert.Equal("jobStatus", Assert.Throws<DomainException>(() => ImportJobStatusNames.Parse(wire)).Field);
    }

    [Fact]
    public void GivenAnUndefinedEnumValue_WhenWritten_ThenADomainErrorIsThrown()
    {
        Assert.Throws<DomainException>(() => ((ImportJobStatus)42).ToWire());
    }
}
