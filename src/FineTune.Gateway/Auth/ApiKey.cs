namespace FineTune.Gateway.Auth;

/// <summary>
/// A known API key as the gateway holds it: its name (what logs and upstream services see), the
/// first characters of its hash (its rate-limit identity), its scopes and limits — never the key itself.
/// </summary>
public sealed record ApiKey(string Name, string HashPrefix, IReadOnlySet<string> Scopes, int RequestsPerMinute, int TokensPerMinute)
{
    /// <summary>An admin key may use every route; others need the route's scope itself.</summary>
    public bool Allows(string scope) => scope == FineTune.Gateway.Scopes.Public || Scopes.Contains(scope) || Scopes.Contains(FineTune.Gateway.Scopes.Admin);
}
