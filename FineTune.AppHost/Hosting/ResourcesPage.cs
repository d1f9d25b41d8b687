using System.Net;
using System.Text;
using System.Text.Json;
using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// The AppHost's own resources page (a small stand-in for Aspire's dashboard) on a free loopback
/// port: server-rendered HTML at <c>/</c> and the same data as JSON at <c>/api/resources</c>.
/// </summary>
public sealed class ResourcesPage(Func<IReadOnlyList<ResourceSnapshot>> snapshot) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly HttpListener _listener = new();
    private Task? _serving;

    public Uri? Url { get; private set; }

    public void Start()
    {
        var port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _serving = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { await AnswerAsync(context); }
            catch (Exception e) when (e is HttpListenerException or IOException) { /* the browser went away */ }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "/";
        var (status, type, body) = path switch
        {
            "/" => (200, "text/html; charset=utf-8", Html(snapshot())),
            "/api/resources" => (200, "application/json", JsonSerializer.Serialize(snapshot(), Json)),
            _ => (404, "text/plain", $"No page at {path}; try / or /api/resources."),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static string Html(IReadOnlyList<ResourceSnapshot> resources)
    {
        static string E(object? value) => WebUtility.HtmlEncode(value?.ToString() ?? "");
        var html = new StringBuilder("""
            <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
            <title>FineTune resources</title>
            <style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
            .running{color:#070}.failed{color:#b00}.restarting,.starting,.waiting{color:#a60}pre{margin:0;max-height:12em;overflow:auto;font-size:.8em}</style>
            </head><body><h1>FineTune resources</h1><table>
            <tr><th>Name</th><th>Kind</th><th>State</th><th>Health</th><th>Endpoints</th><th>Processes</th><th>Restarts</th><th>Recent log lines</th></tr>
            """);
        foreach (var r in resources)
        {
            var state = r.State.ToLowerInvariant();
            html.Append($"<tr><td>{E(r.Name)}</td><td>{E(r.Kind)}</td><td class=\"{state}\">{E(state)}</td><td>{E(r.Health)}</td>")
                .Append($"<td>{string.Join("<br>", r.Endpoints.Select(e => e.StartsWith("http", StringComparison.Ordinal) ? $"<a href=\"{E(e)}\">{E(e)}</a>" : E(e)))}</td>")
                .Append($"<td>{string.Join("<br>", r.Replicas.Select(p => E($"{p.Name}: PID {p.Pid?.ToString() ?? "-"}")))}</td>")
                .Append($"<td>{r.Restarts}</td><td><pre>{E(string.Join('\n', r.RecentLines.TakeLast(15)))}</pre></td></tr>");
        }
        return html.Append("</table></body></html>").ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener.IsListening) _listener.Stop();
        if (_serving is not null) await _serving;
        _listener.Close();
    }
}

/// <summary>One row of the resources page.</summary>
/// <param name="Replicas">Each process of the resource with its PID, so a person or a test can find (and kill) one.</param>
public sealed record ResourceSnapshot(
    string Name, string Kind, string State, string Health, IReadOnlyList<string> Endpoints, int Restarts,
    IReadOnlyList<ReplicaSnapshot> Replicas, IReadOnlyList<string> WaitsFor, IReadOnlyList<string> RecentLines);

/// <summary>
/// One process of a resource: its name (<c>inference-1</c>), its PID (null while it is down) and its address.
/// For RabbitMQ the PID is the launcher script's; the Erlang VM that serves is its child.
/// </summary>
public sealed record ReplicaSnapshot(string Name, int? Pid, string Endpoint);
