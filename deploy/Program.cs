using Amazon.CDK;
using ImagingGateway.Deploy;
using ImagingGateway.Deploy.Stacks;

var app = new App();
var settings = DeploySettings.FromContext(app.Node);
_ = new ImagingGatewayStack(app, "ImagingGateway", settings, new StackProps
{
    // Environment-agnostic on purpose: synth needs no AWS credentials or lookups; the region comes from the deploy.
    Description = "Imaging Gateway: DICOM SCP on Fargate landing images in AWS HealthImaging",
});
app.Synth();
