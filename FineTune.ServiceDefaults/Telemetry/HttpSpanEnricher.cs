using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.ServiceDefaults.Telemetry;

/// <summary>
/// ASP.NET Core starts a span per request but, without the instrumentation package (absent here),
/// leaves it unnamed and untagged. This names it "METHOD route" and adds the semantic-convention
/// HTTP attributes, so traces read like they would with the package.
/// </summary>
public static class HttpSpanEnricher
{
    public static IApplicationBuilder UseHttpSpanEnrichment(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var activity = Activity.Current;
        if (activity is null || !activity.IsAllDataRequested)
        {
            await next(context);
            return;
        }
        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null) activity.SetTag("http.route", route);
            activity.DisplayName = $"{request.Method} {route ?? request.Path.Value}";
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.Response.StatusCode >= 500) activity.SetStatus(ActivityStatusCode.Error);
        }
    });
}
