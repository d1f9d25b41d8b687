namespace FineTune.Gateway;

/// <summary>
/// The gateway's settings (section <c>Gateway</c>): the route table, the replicas of each cluster,
/// the API keys and the rate-limit and health-check policy. Replicas also come from Aspire's
/// <c>services__{cluster}__http__{n}</c> variables, so a cluster needs no entry here when the AppHost references it.
/// </summary>
public sealed class GatewaySettings
{
    public const string Section = "Gateway";

    /// <summary>Routes by name: which path prefix goes to which cluster, under which scope.</summary>
    public Dictionary<string, RouteSettings> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Clusters by name, with replica addresses added to those from <c>services:{name}:http</c>.</summary>
    public Dictionary<string, ClusterSettings> Clusters { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>API keys by name; each holds the key's SHA-256, never the key.</summary>
    public Dictionary<string, ApiKeySettings> Keys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A JSON file of more keys, the same shape as <see cref="Keys"/> (a secrets mount in production).</summary>
    public string? KeysFile { get; set; }

    public RateLimitSettings RateLimits { get; set; } = new();

    public HealthSettings Health { get; set; } = new();

    /// <summary>How long the gateway waits for a TCP connection to a replica before it counts as unreachable.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 5;
}

/// <summary>One route: requests whose path starts with <see cref="Path"/> (segment by segment, <c>*</c> matches any one segment) go to <see cref="Cluster"/>.</summary>
public sealed class RouteSettings
{
    public string Path { get; set; } = "";

    public string Cluster { get; set; } = "";

    /// <summary>The scope a key needs: inference, fine-tune, admin, or public (no key).</summary>
    public string Scope { get; set; } = Scopes.Inference;

    /// <summary>Longest the whole exchange with the replica may take, streamed body included.</summary>
    public double TimeoutSeconds { get; set; } = 100;

    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Charge the request's estimated tokens (prompt + max_tokens) to the key's tokens-per-minute bucket; the body is read before forwarding.</summary>
    public bool CountTokens { get; set; }
}

public sealed class ClusterSettings
{
    /// <summary>Base addresses (<c>http://host:port</c>) of the cluster's replicas.</summary>
    public List<string> Replicas { get; set; } = [];
}

public sealed class ApiKeySettings
{
    /// <summary>Lower- or upper-case hex SHA-256 of the key's UTF-8 bytes (<c>printf %s KEY | sha256sum</c>).</summary>
    public string Sha256 { get; set; } = "";

    public List<string> Scopes { get; set; } = [];

    /// <summary>This key's limits; the <see cref="RateLimitSettings"/> defaults when unset.</summary>
    public int? RequestsPerMinute { get; set; }

    public int? TokensPerMinute { get; set; }
}

public sealed class RateLimitSettings
{
    public int RequestsPerMinute { get; set; } = 600;

    public int TokensPerMinute { get; set; } = 200_000;

    /// <summary>Completion tokens charged when a request sets no max_tokens.</summary>
    public int DefaultCompletionTokens { get; set; } = 256;

    /// <summary>Prefix of the Redis keys that hold the buckets (one hash per API key).</summary>
    public string RedisKeyPrefix { get; set; } = "gateway:ratelimit:";
}

public sealed class HealthSettings
{
    /// <summary>Seconds between active probes of every replica; the first runs one interval after start.</summary>
    public double ProbeIntervalSeconds { get; set; } = 5;

    public double ProbeTimeoutSeconds { get; set; } = 2;

    public string ProbePath { get; set; } = "/health";

    /// <summary>Consecutive failed forwards (connect failures, timeouts, broken responses) after which a replica is ejected until a probe passes.</summary>
    public int EjectAfterFailures { get; set; } = 3;
}

/// <summary>The scopes a key may hold and a route may require.</summary>
public static class Scopes
{
    public const string Inference = "inference";
    public const string FineTune = "fine-tune";
    /// <summary>Promotion, rollback and policy; an admin key may also do everything else.</summary>
    public const string Admin = "admin";
    /// <summary>Routes only: no key needed.</summary>
    public const string Public = "public";

    public static readonly string[] OfKeys = [Inference, FineTune, Admin];
}
