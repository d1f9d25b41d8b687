namespace FineTune.Gateway.Auth;

/// <summary>The outcome of reading a request's <c>Authorization</c> header; <see cref="Problem"/> is the client-facing reason when it failed.</summary>
public sealed record Authentication(ApiKey? Key, string? Problem);

/// <summary>
/// Reads <c>Authorization: Bearer &lt;key&gt;</c> (OpenAI's scheme) and finds the key. Messages
/// say what was wrong with the header and never repeat the key.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore keys)
{
    private const string Expected = "Expected 'Authorization: Bearer <API key>'.";

    public Authentication Authenticate(HttpRequest request)
    {
        var headers = request.Headers.Authorization;
        if (headers.Count == 0 || string.IsNullOrWhiteSpace(headers.ToString()))
            return Fail($"You didn't provide an API key. {Expected}");
        if (headers.Count > 1)
            return Fail($"Malformed Authorization header: it was sent {headers.Count} times. {Expected}");
        var parts = headers.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return Fail($"Malformed Authorization header: the scheme is '{(parts[0].Length <= 16 ? parts[0] : "(long)")}', not Bearer. {Expected}");
        if (parts.Length != 2)
            return Fail($"Malformed Authorization header: 'Bearer' must be followed by exactly one key, found {parts.Length - 1} values. {Expected}");
        return keys.Find(parts[1]) is { } key ? new Authentication(key, null) : Fail("Incorrect API key provided.");
    }

    private static Authentication Fail(string problem) => new(null, problem);
}
