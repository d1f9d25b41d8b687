using System.Net.Http.Json;
using System.Text.Json;

namespace FineTune.Gateway.Tests;

/// <summary>Reads OpenAI's <c>{"error": {"message", "type", "code"}}</c> from a gateway answer.</summary>
public sealed record OpenAiErrorBody(string Message, string Type, string? Code)
{
    public static async Task<OpenAiErrorBody> ReadAsync(HttpResponseMessage response)
    {
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        return new OpenAiErrorBody(error.GetProperty("message").GetString()!, error.GetProperty("type").GetString()!,
            error.TryGetProperty("code", out var code) ? code.GetString() : null);
    }
}
