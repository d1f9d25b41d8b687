using System.Diagnostics;

namespace FineTune.LocalServers;

/// <summary>
/// A FineTune service (an ASP.NET Core app, already built) run as its own process on a free
/// loopback port, with the environment Aspire would give it, ready once <c>/health</c> answers 200.
/// </summary>
/// <param name="assemblyPath">The service's built entry assembly (<c>…/bin/Release/net10.0/FineTune.Curation.dll</c>).</param>
public sealed class ServiceProcess(string name, string assemblyPath, string? dataRoot = null) : LocalServer(name, dataRoot)
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>The built entry assembly this process runs (checked before anything starts).</summary>
    public string AssemblyPath => assemblyPath;

    /// <summary>Environment variables the process starts with, added to the AppHost's own.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The service's base address, the form <c>services__{name}__http__0</c> takes.</summary>
    public override string ConnectionString => $"http://127.0.0.1:{Port}";

    protected override ProcessStartInfo CreateStartInfo()
    {
        if (!File.Exists(assemblyPath))
            throw new LocalServerException($"{Name}: '{assemblyPath}' has not been built. Build the solution (dotnet build FineTune.sln -c Release) first.");
        var start = new ProcessStartInfo(DotnetHost) { WorkingDirectory = Path.GetDirectoryName(assemblyPath)! };
        start.ArgumentList.Add(assemblyPath);
        start.Environment["ASPNETCORE_URLS"] = ConnectionString;
        start.Environment["OTEL_SERVICE_NAME"] = Name;
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        return start;
    }

    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var response = await Probe.GetAsync($"{ConnectionString}/health", cancellationToken);
        return response.IsSuccessStatusCode;
    }

    // the dotnet host of the runtime this process runs on: <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
    private static string DotnetHost =>
        Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}
