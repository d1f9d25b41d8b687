namespace FineTune.Gateway.Routing;

/// <summary>A validated route: the path segments it matches, the cluster it forwards to, and the policy that applies on the way.</summary>
public sealed record GatewayRoute(
    string Name,
    string Path,
    string Cluster,
    string Scope,
    TimeSpan Timeout,
    long MaxRequestBodyBytes,
    bool CountTokens)
{
    private readonly string[] _segments = RouteTable.Segments(Path);

    /// <summary>More segments win; among equals, more literal (non-<c>*</c>) segments win.</summary>
    internal (int Segments, int Literals) Specificity => (_segments.Length, _segments.Count(s => s != "*"));

    internal bool Matches(string[] requestSegments)
    {
        if (requestSegments.Length < _segments.Length) return false;
        for (var i = 0; i < _segments.Length; i++)
            if (_segments[i] != "*" && !string.Equals(_segments[i], requestSegments[i], StringComparison.OrdinalIgnoreCase))
                return false;
        return true;
    }
}
