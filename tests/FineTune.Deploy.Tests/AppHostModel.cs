using System.Text.Json.Nodes;
using FineTune.Testing;

namespace FineTune.Deploy.Tests;

/// <summary>A resource the AppHost declares: a project (with its path) or infrastructure, and what it references.</summary>
public sealed record AppHostResource(string Name, string? ProjectPath, IReadOnlyList<string> References);

/// <summary>
/// The AppHost's resource model as the AppHost itself publishes it (<c>--publisher manifest</c>, as
/// Aspire hands its manifest to azd) — names, project paths and references — so the Azure wiring is
/// compared with what the AppHost really declares, not with a reading of its source.
/// </summary>
public static class AppHostModel
{
    public static async Task<IReadOnlyList<AppHostResource>> PublishAsync(string workFolder)
    {
        var path = Path.Combine(workFolder, "apphost-manifest.json");
        using var apphost = new AppHostProcess(["--publisher", "manifest", "--output-path", path]);
        var exit = await apphost.WaitForExitAsync(60);
        if (exit != 0 || !File.Exists(path))
            throw new InvalidOperationException($"The AppHost's manifest publisher exited with {exit} and wrote {(File.Exists(path) ? "" : "no ")}manifest:\n{apphost.Output}");

        var resources = JsonNode.Parse(await File.ReadAllTextAsync(path))!["resources"]!.AsObject();
        return [.. resources.Select(r => new AppHostResource(r.Key, (string?)r.Value!["path"],
            [.. (r.Value["references"]?.AsArray() ?? []).Select(reference => (string)reference!)]))];
    }
}
