using FineTune.ServiceDefaults;

namespace FineTune.Gateway.Routing;

/// <summary>
/// The gateway's routes, matched segment by segment on the longest prefix (<c>/v1/models</c> matches
/// <c>/v1/models/x</c> but not <c>/v1/modelsx</c>); a <c>*</c> segment matches any one segment, so
/// <c>/api/registry/models/*/aliases/*/promote</c> outranks <c>/api/registry</c>.
/// </summary>
public sealed class RouteTable
{
    private readonly GatewayRoute[] _bySpecificity;

    public RouteTable(IEnumerable<GatewayRoute> routes) =>
        _bySpecificity = [.. routes.OrderByDescending(r => r.Specificity.Segments).ThenByDescending(r => r.Specificity.Literals)];

    public IReadOnlyList<GatewayRoute> Routes => _bySpecificity;

    public GatewayRoute? Match(string? path)
    {
        var segments = Segments(path);
        foreach (var route in _bySpecificity)
            if (route.Matches(segments)) return route;
        return null;
    }

    /// <summary>Validates every route; a bad one stops start-up with the setting's name and what is wrong.</summary>
    public static RouteTable FromSettings(GatewaySettings settings)
    {
        var routes = new List<GatewayRoute>();
        foreach (var (name, route) in settings.Routes)
        {
            var at = $"{GatewaySettings.Section}:Routes:{name}";
            if (!route.Path.StartsWith('/'))
                throw new InvalidSettingException($"{at}:Path", $"'{route.Path}' must start with '/'.");
            if (string.IsNullOrWhiteSpace(route.Cluster))
                throw new InvalidSettingException($"{at}:Cluster", "is empty; name the cluster (service) the route forwards to.");
            if (route.Scope != Scopes.Public && !Scopes.OfKeys.Contains(route.Scope))
                throw new InvalidSettingException($"{at}:Scope", $"'{route.Scope}' is not one of {string.Join(", ", Scopes.OfKeys)}, {Scopes.Public}.");
            if (route.TimeoutSeconds <= 0)
                throw new InvalidSettingException($"{at}:TimeoutSeconds", $"{route.TimeoutSeconds} must be positive.");
            if (route.MaxRequestBodyBytes < 0)
                throw new InvalidSettingException($"{at}:MaxRequestBodyBytes", $"{route.MaxRequestBodyBytes} must not be negative.");
            routes.Add(new GatewayRoute(name, route.Path, route.Cluster, route.Scope, TimeSpan.FromSeconds(route.TimeoutSeconds),
                route.MaxRequestBodyBytes, route.CountTokens));
        }
        return new RouteTable(routes);
    }

    internal static string[] Segments(string? path) => (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
}
