using FineTune.Gateway.Proxying;

namespace FineTune.Gateway.Apis;

public static class GatewayApi
{
    /// <summary>
    /// Every path the gateway itself does not answer (<c>/health</c>, <c>/alive</c>) goes through the
    /// proxy: route, key, scope, body limit, rate limit, then a replica.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.Map("/{**path}", (HttpContext context, GatewayProxy proxy) => proxy.HandleAsync(context)).WithDisplayName("gateway");
        return app;
    }
}
