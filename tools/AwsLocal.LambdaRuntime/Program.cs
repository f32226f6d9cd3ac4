using ImagingGateway.AwsLocal.LambdaRuntime;

return await RuntimeLoop.RunAsync();
