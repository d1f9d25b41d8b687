using System.Net.Http.Json;
using FineTune.ServiceDefaults.Http;

namespace FineTune.Monitoring.Pipeline;

/// <summary>What the dashboard's promote button sends: the version, and why.</summary>
public sealed record PromoteBody(int? Version, string? Reason = null, string? By = null, bool? Force = null, int? ExpectedVersion = null);

/// <summary>What the dashboard's rollback button sends.</summary>
public sealed record RollbackBody(string? Reason = null, string? By = null);

/// <summary>
/// Passes promotions and rollbacks of the <c>production</c> alias on to the registry service — the one
/// place aliases move — and hands its status and body back unchanged. The registry's address comes from
/// <c>Monitoring:RegistryUrl</c>, else from Aspire's <c>services:registry:http:0</c>.
/// </summary>
public sealed class RegistryForwarder(IHttpClientFactory clients, IConfiguration configuration)
{
    public const string ClientName = "registry";
    public const string Setting = "Monitoring:RegistryUrl";
    public const string AspireSetting = "services:registry:http:0";
    public const string Alias = "production";
    private const string UserHeader = "X-FineTune-User";

    public Task<IResult> PromoteAsync(string name, PromoteBody body, HttpRequest request, CancellationToken cancellationToken) =>
        body.Version is null or < 1
            ? Task.FromResult(OpenAiError.Result(StatusCodes.Status400BadRequest, "'version' is required: the registered version number (1 or more) to promote.", "version"))
            : ForwardAsync(name, "promote", body, request, cancellationToken);

    public Task<IResult> RollbackAsync(string name, RollbackBody body, HttpRequest request, CancellationToken cancellationToken) =>
        ForwardAsync(name, "rollback", body, request, cancellationToken);

    private async Task<IResult> ForwardAsync<T>(string name, string transition, T body, HttpRequest request, CancellationToken cancellationToken)
    {
        var (address, setting) = Address();
        if (address is null)
            return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable,
                $"No registry address is configured: set {Setting} (or {AspireSetting.Replace(":", "__")} under Aspire) to the registry service's URL.", Setting);
        if (!Uri.TryCreate(address.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, $"{setting} is '{address}', which is not an http(s) URL.", setting);

        using var message = new HttpRequestMessage(HttpMethod.Post,
            new Uri(root, $"api/registry/models/{Uri.EscapeDataString(name)}/aliases/{Alias}/{transition}"))
        {
            Content = JsonContent.Create(body, options: ServiceJson.Options),
        };
        if (request.Headers[UserHeader].FirstOrDefault() is { } user) message.Headers.Add(UserHeader, user);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(message, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            return Results.Content(content, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return OpenAiError.Result(StatusCodes.Status502BadGateway, $"The registry at {root} ({setting}) did not answer: {e.Message}", setting);
        }
    }

    private (string? Address, string Setting) Address() =>
        configuration[Setting] is { Length: > 0 } url ? (url, Setting)
        : configuration[AspireSetting] is { Length: > 0 } aspire ? (aspire, AspireSetting)
        : (null, Setting);
}
