using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace FineTune.ServiceDefaults.Http;

/// <summary>
/// OpenAI's error body, <c>{"error": {"message", "type", "param", "code"}}</c>: what the <c>/v1</c>
/// endpoints of every service answer with, so OpenAI's own clients show the message. The rest of
/// the API answers with RFC 9457 problem details.
/// </summary>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiError.Body Error)
{
    public sealed record Body(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string? Code);

    /// <summary>An error result with OpenAI's <c>type</c> for the status (invalid_request_error, not_found_error, …).</summary>
    public static IResult Result(int status, string message, string? param = null, string? code = null) =>
        Results.Json(new OpenAiError(new Body(message, TypeFor(status), param, code)), statusCode: status);

    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status409Conflict => "conflict_error",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}
