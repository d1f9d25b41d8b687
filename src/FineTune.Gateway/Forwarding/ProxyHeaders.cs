using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace FineTune.Gateway.Forwarding;

/// <summary>
/// Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1, plus any the Connection
/// header names) describe one connection and stop here; the client's Authorization is the gateway's
/// credential and never reaches a service; trace context and X-Forwarded-* are rewritten by the gateway.
/// </summary>
internal static class ProxyHeaders
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Proxy-Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Proxy-Authenticate", "Proxy-Authorization",
    };

    private static readonly HashSet<string> SetByGateway = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "traceparent", "tracestate", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-For",
    };

    public static void CopyRequestHeaders(HttpRequest from, HttpRequestMessage to)
    {
        var named = NamedByConnection(from.Headers.Connection);
        foreach (var (name, values) in from.Headers)
        {
            if (HopByHop.Contains(name) || SetByGateway.Contains(name) || named.Contains(name)) continue;
            if (!to.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                to.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        var client = from.HttpContext.Connection.RemoteIpAddress?.ToString();
        var chain = from.Headers["X-Forwarded-For"].ToString();
        if (client is not null) to.Headers.TryAddWithoutValidation("X-Forwarded-For", chain.Length == 0 ? client : $"{chain}, {client}");
        to.Headers.TryAddWithoutValidation("X-Forwarded-Proto", from.Scheme);
        if (from.Host.HasValue) to.Headers.TryAddWithoutValidation("X-Forwarded-Host", from.Host.Value);
    }

    public static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to)
    {
        var named = NamedByConnection(new StringValues([.. from.Headers.Connection]));
        Copy(from.Headers);
        Copy(from.Content.Headers);

        void Copy(HttpHeaders headers)
        {
            foreach (var (name, values) in headers.NonValidated)
                if (!HopByHop.Contains(name) && !named.Contains(name)) to.Headers[name] = new StringValues([.. values]);
        }
    }

    private static HashSet<string> NamedByConnection(StringValues connection)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connection)
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                named.Add(token);
        return named;
    }
}
