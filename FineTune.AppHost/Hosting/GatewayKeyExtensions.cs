namespace FineTune.AppHost.Hosting;

/// <summary>Configures the gateway with a key in the form it reads (<c>Gateway__Keys__{name}__…</c>).</summary>
public static class GatewayKeyExtensions
{
    /// <summary>
    /// Every scope, and limits far above what one developer or one test run sends (the defaults,
    /// 600 requests a minute, would throttle a load test through the gateway).
    /// </summary>
    public static ProjectResource WithApiKey(this ProjectResource gateway, Lazy<GatewayApiKey> key, string name = "local")
    {
        var prefix = $"Gateway__Keys__{name}__";
        gateway.WithEnvironment(prefix + "Sha256", () => key.Value.Sha256);
        string[] scopes = ["inference", "fine-tune", "admin"];
        for (var i = 0; i < scopes.Length; i++) gateway.WithEnvironment($"{prefix}Scopes__{i}", scopes[i]);
        return gateway
            .WithEnvironment(prefix + "RequestsPerMinute", "100000")
            .WithEnvironment(prefix + "TokensPerMinute", "100000000");
    }
}
