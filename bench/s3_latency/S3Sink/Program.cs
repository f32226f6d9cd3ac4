using ImagingGateway.Bench.S3Sink;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The S3 stand-in of bench/s3_latency (README.md there): node's event loop or s3rver would add their own
// milliseconds to every round trip the benchmark measures; this answers in microseconds, checksum verified.
var options = SinkOptions.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(System.Net.IPAddress.Loopback, options.Port);
    k.Limits.MaxRequestBodySize = null;
});
var app = builder.Build();
var sink = new S3SinkHandler(options);
app.Run(sink.HandleAsync);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"listening {new Uri(address).Port}");
await app.WaitForShutdownAsync();
