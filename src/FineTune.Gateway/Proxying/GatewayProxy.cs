using System.Globalization;
using FineTune.Gateway.Auth;
using FineTune.Gateway.Balancing;
using FineTune.Gateway.Forwarding;
using FineTune.Gateway.RateLimiting;
using FineTune.Gateway.Routing;
using FineTune.ServiceDefaults.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FineTune.Gateway.Proxying;

/// <summary>
/// One request's way through the gateway: match a route (404), check the key and its scope (401/403),
/// enforce the route's body limit (413) and the key's rate limits (429), then forward to a replica
/// chosen by the cluster, retrying elsewhere only when an idempotent request could not connect.
/// Errors the gateway makes itself are in OpenAI's error shape; a replica's own answers pass through.
/// </summary>
public sealed class GatewayProxy(
    RouteTable routes,
    ClusterRegistry clusters,
    ApiKeyAuthenticator authenticator,
    IRateLimiter limiter,
    IForwarder forwarder,
    IOptions<GatewaySettings> options,
    GatewayMetrics metrics,
    ILogger<GatewayProxy> logger)
{
    /// <summary>The header that tells a service which key (by name, never the key) made the request.</summary>
    public const string KeyNameHeader = "X-FineTune-Key-Name";

    private readonly GatewaySettings _settings = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var route = routes.Match(context.Request.Path.Value);
        try { await HandleAsync(context, route); }
        finally { metrics.Answered(route?.Name ?? "(none)", context.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started)); }
    }

    private async Task HandleAsync(HttpContext context, GatewayRoute? route)
    {
        var request = context.Request;
        // a replica's empty 404 must reach the client as it was, not as the gateway's status page
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;

        if (route is null)
        {
            await Error(context, StatusCodes.Status404NotFound, $"Unknown request URL: {request.Method} {request.Path}. No gateway route matches it.");
            return;
        }

        ApiKey? key = null;
        if (route.Scope != Scopes.Public)
        {
            var authentication = authenticator.Authenticate(request);
            if (authentication.Key is null)
            {
                await Error(context, StatusCodes.Status401Unauthorized, authentication.Problem!, code: "invalid_api_key");
                return;
            }
            key = authentication.Key;
            if (!key.Allows(route.Scope))
            {
                logger.LogInformation("Key {KeyName} refused on {Route}: needs scope {Scope}", key.Name, route.Name, route.Scope);
                await Error(context, StatusCodes.Status403Forbidden,
                    $"This API key ('{key.Name}') lacks the '{route.Scope}' scope that {request.Method} {request.Path} needs.", code: "insufficient_scope");
                return;
            }
        }

        if (request.ContentLength > route.MaxRequestBodyBytes)
        {
            await BodyTooLarge(context, route);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = route.MaxRequestBodyBytes;

        ReadOnlyMemory<byte>? body = null;
        if (route.CountTokens)
        {
            body = await RequestBody.ReadAsync(request, route.MaxRequestBodyBytes, context.RequestAborted);
            if (body is null)
            {
                await BodyTooLarge(context, route);
                return;
            }
        }

        if (key is not null && !await WithinRateLimitsAsync(context, key, route, body)) return;

        var extra = key is null ? null : new Dictionary<string, string> { [KeyNameHeader] = key.Name };
        if (key is null) request.Headers.Remove(KeyNameHeader); // a public route's client must not pose as a key
        await ForwardAsync(context, route, new ForwardRequest(route.Timeout, body, extra));
    }

    private async Task<bool> WithinRateLimitsAsync(HttpContext context, ApiKey key, GatewayRoute route, ReadOnlyMemory<byte>? body)
    {
        var tokens = body is { } bytes ? TokenEstimate.Of(bytes.Span, _settings.RateLimits.DefaultCompletionTokens) : 0;
        if (tokens > key.TokensPerMinute)
        {
            metrics.RateLimited(key.Name);
            context.Response.Headers.RetryAfter = "60";
            await Error(context, StatusCodes.Status429TooManyRequests,
                $"Request too large for key '{key.Name}': estimated at {tokens} tokens (prompt + max_tokens), above its limit of {key.TokensPerMinute} tokens per minute. Lower max_tokens or shorten the prompt.",
                code: "tokens_exceeded");
            return false;
        }
        RateLimitDecision decision;
        try
        {
            decision = await limiter.AcquireAsync(key, tokens, context.RequestAborted);
        }
        catch (Exception e) when (e is Storage.Redis.RedisException or IOException or TimeoutException)
        {
            // availability over strictness: a cache outage must not take the whole API down
            logger.LogWarning("Rate limits not enforced for {KeyName} on {Route}: the limiter failed: {Error}", key.Name, route.Name, e.Message);
            return true;
        }
        var headers = context.Response.Headers;
        headers["x-ratelimit-limit-requests"] = key.RequestsPerMinute.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-requests"] = decision.RemainingRequests.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-limit-tokens"] = key.TokensPerMinute.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-tokens"] = decision.RemainingTokens.ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed) return true;

        metrics.RateLimited(key.Name);
        var seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var which = decision.RemainingRequests < 1 ? $"{key.RequestsPerMinute} requests per minute" : $"{key.TokensPerMinute} tokens per minute (this request: about {tokens})";
        await Error(context, StatusCodes.Status429TooManyRequests,
            $"Rate limit reached for key '{key.Name}': {which}. Try again in {seconds} s.", code: "rate_limit_exceeded");
        return false;
    }

    private async Task ForwardAsync(HttpContext context, GatewayRoute route, ForwardRequest forward)
    {
        var cluster = clusters[route.Cluster];
        var tried = new HashSet<Replica>();
        var idempotent = IsIdempotent(context.Request.Method);
        var ejectAfter = _settings.Health.EjectAfterFailures;
        while (true)
        {
            var replica = cluster.Pick(tried);
            if (replica is null)
            {
                await Error(context, StatusCodes.Status503ServiceUnavailable, cluster.Unavailable(), code: "upstream_unavailable");
                return;
            }
            tried.Add(replica);
            replica.BeginRequest();
            ForwardResult result;
            try
            {
                result = await forwarder.ForwardAsync(context, replica.Address, forward, context.RequestAborted);
            }
            finally
            {
                replica.EndRequest();
            }

            switch (result.Outcome)
            {
                case ForwardOutcome.Completed:
                    replica.ReportSuccess();
                    return;
                case ForwardOutcome.ClientAborted:
                    logger.LogDebug("Client left {Route} while {Replica} served it", route.Name, replica);
                    return;
                case ForwardOutcome.BodyTooLarge:
                    await BodyTooLarge(context, route);
                    return;
            }

            if (replica.ReportFailure(result.Detail!, ejectAfter))
            {
                metrics.Ejected(cluster.Name);
                logger.LogWarning("Replica {Replica} of {Cluster} ejected after {Failures} consecutive failures: {Detail}", replica, cluster.Name, ejectAfter, result.Detail);
            }
            else
                logger.LogInformation("Forward of {Route} to {Replica} failed: {Outcome}, {Detail}", route.Name, replica, result.Outcome, result.Detail);
            if (context.Response.HasStarted) return;
            if (result.Outcome == ForwardOutcome.ConnectFailed && idempotent) continue;

            var (status, why) = result.Outcome switch
            {
                ForwardOutcome.ConnectFailed => (StatusCodes.Status503ServiceUnavailable,
                    $"The '{cluster.Name}' replica {replica.Address} could not be reached ({result.Detail}); {context.Request.Method} is not retried because it is not idempotent."),
                ForwardOutcome.TimedOut => (StatusCodes.Status504GatewayTimeout,
                    $"The '{cluster.Name}' replica {replica.Address} did not answer within the route's {route.Timeout.TotalSeconds:0.#} s."),
                _ => (StatusCodes.Status502BadGateway, $"The '{cluster.Name}' replica {replica.Address} failed: {result.Detail}."),
            };
            context.Response.Clear();
            await Error(context, status, why, code: "upstream_error");
            return;
        }
    }

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsPut(method)
        || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);

    private static Task BodyTooLarge(HttpContext context, GatewayRoute route)
    {
        context.Response.Headers.Connection = "close"; // the rest of the body is not read
        return Error(context, StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than {route.MaxRequestBodyBytes} bytes, the limit of route '{route.Name}'.", code: "request_too_large");
    }

    private static Task Error(HttpContext context, int status, string message, string? code = null) =>
        OpenAiError.Result(status, message, code: code).ExecuteAsync(context);
}
