using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

public sealed class AssociationTests
{
    [Fact]
    public async Task GivenARunningGateway_WhenDcmtkEchoes_ThenItSucceeds()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Path);

        var echo = await Dcmtk.EchoAsync(gateway.Port);

        Assert.True(echo.ExitCode == 0, echo.Output + gateway.Log);
        Assert.Contains("Received Echo Response (Success)", echo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenARunningGateway_WhenTheEchoVerbRuns_ThenItPrintsSuccess()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Path);

        var echo = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "echo", "127.0.0.1", gateway.Port.ToString()], TimeSpan.FromSeconds(60));

        Assert.True(echo.ExitCode == 0, echo.Output);
        Assert.Contains("success", echo.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenMaxAssociationsReached_WhenAnotherAssociates_ThenItIsRejectedTransiently()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Path, extraArgs: ["--Gateway:MaxAssociations=1"]);
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var held = await client.ConnectAsync("127.0.0.1", gateway.Port,
            [new PresentationContextRequestItem(1, NetworkUids.Verification, [NetworkUids.ImplicitVrLittleEndian])], CancellationToken.None);

        var echo = await Dcmtk.EchoAsync(gateway.Port);

        Assert.NotEqual(0, echo.ExitCode);
        Assert.Contains("Rejected Transient", echo.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GivenCheckCalledAeTitle_WhenTheCalledAeIsWrong_ThenTheAssociationIsRejected()
    {
        using var temp = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(temp.Path, extraArgs: ["--Gateway:CheckCalledAeTitle=true"]);

        var wrong = await Dcmtk.EchoAsync(gateway.Port, calledAe: "SOMEONEELSE");
        var right = await Dcmtk.EchoAsync(gateway.Port, calledAe: "IMAGINGGW");

        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Called AE Title Not Recognized", wrong.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(right.ExitCode == 0, right.Output);
    }
}
