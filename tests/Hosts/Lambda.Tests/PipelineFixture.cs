using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.Lambda.Tests;

/// <summary>Every loopback server the pipeline needs: s3rver, dynalite, and the HealthImaging and Step Functions model servers.</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture()
    {
        S3 = new S3rverFixture();
        Dynamo = new DynaliteFixture();
        HealthImaging = new FakeHealthImaging();
        StepFunctions = new FakeStepFunctions();
        ImagingServer = new AwsModelServer(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), HealthImaging.Handle);
        StepFunctionsServer = new AwsModelServer(new ServiceModel("botocore-stepfunctions-2016-11-23.service-2.json"), StepFunctions.Handle);
    }

    public S3rverFixture S3 { get; }

    public DynaliteFixture Dynamo { get; }

    public FakeHealthImaging HealthImaging { get; }

    public FakeStepFunctions StepFunctions { get; }

    public AwsModelServer ImagingServer { get; }

    public AwsModelServer StepFunctionsServer { get; }

    public void Dispose()
    {
        ImagingServer.Dispose();
        StepFunctionsServer.Dispose();
        Dynamo.Dispose();
        S3.Dispose();
    }
}
