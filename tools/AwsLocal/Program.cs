using ImagingGateway.AwsLocal;

return await AwsLocalCommand.RunAsync(args);
