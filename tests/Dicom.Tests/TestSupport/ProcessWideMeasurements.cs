namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>
/// The collection of tests that measure the whole test process (its working set): xUnit runs it after the parallel
/// collections and alone, so that no other test's servers or buffers count against the one measured.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    public const string Name = "Process-wide measurements";
}
