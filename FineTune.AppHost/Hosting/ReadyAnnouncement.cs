namespace FineTune.AppHost.Hosting;

/// <summary>
/// The one line a script waits for once the whole suite is healthy, space-separated <c>name=value</c>
/// pairs after a fixed prefix, e.g.
/// <c>FineTune is ready: gateway=http://127.0.0.1:41234 dashboard=http://127.0.0.1:41234/dashboard api-key=file:/tmp/…/api-key resources=http://127.0.0.1:40000/</c>.
/// Values never hold spaces; <c>api-key</c> is where the key is (<c>file:PATH</c> or <c>env:FINETUNE_API_KEY</c>), never the key.
/// </summary>
public static class ReadyAnnouncement
{
    public const string Prefix = "FineTune is ready:";

    public static string Format(string gatewayUrl, GatewayApiKey key, Uri? resourcesPage) =>
        $"{Prefix} gateway={gatewayUrl} dashboard={gatewayUrl.TrimEnd('/')}/dashboard api-key={key.Location}" +
        (resourcesPage is null ? "" : $" resources={resourcesPage}");
}
