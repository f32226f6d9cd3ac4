using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Serialization;

namespace ImagingGateway.Lambda.Hosting;

/// <summary>Reads and writes the <see cref="ImportState"/> passed between the workflow's states (source-generated JSON).</summary>
public static class StateJson
{
    public static async Task<ImportState> ReadAsync(Stream input, string function)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, ApplicationJsonContext.Default.ImportState)
                ?? throw new InvalidInputException(function, "the input is JSON null, not an ImportState");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(function, $"the input is not an ImportState: {e.Message}");
        }
    }

    public static Stream Write(ImportState state)
    {
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, state, ApplicationJsonContext.Default.ImportState);
        output.Position = 0;
        return output;
    }
}
