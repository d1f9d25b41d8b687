using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.EndToEnd.Tests;

/// <summary>JSON calls through the gateway that fail with the status and body when the answer is not what was expected.</summary>
public static class GatewayCalls
{
    public static async Task<JsonElement> GetJsonAsync(this Suite suite, string path)
    {
        using var response = await suite.Http.GetAsync(path);
        return await ReadAsync(response, $"GET {path}", HttpStatusCode.OK);
    }

    /// <summary>The body of a 200, or null for another status (a service still restarting, a model not there yet).</summary>
    public static async Task<JsonElement?> TryGetJsonAsync(this Suite suite, string path)
    {
        using var response = await suite.Http.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) throw new NotYetException($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static async Task<JsonElement> PostJsonAsync(this Suite suite, string path, JsonNode body, params HttpStatusCode[] expected)
    {
        using var response = await suite.Http.PostAsJsonAsync(path, body);
        return await ReadAsync(response, $"POST {path}", expected.Length == 0 ? [HttpStatusCode.OK] : expected);
    }

    public static async Task<JsonElement> PutJsonAsync(this Suite suite, string path, JsonNode body)
    {
        using var response = await suite.Http.PutAsJsonAsync(path, body);
        return await ReadAsync(response, $"PUT {path}", HttpStatusCode.OK);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string request, params HttpStatusCode[] expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected.Contains(response.StatusCode), $"{request} answered {(int)response.StatusCode}, expected {string.Join(" or ", expected.Select(s => (int)s))}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
