using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace FineTune.Monitoring.Apis;

/// <summary>
/// The dashboard: one HTML shell at <c>/dashboard</c> and <c>/dashboard/{page}</c> (the page is picked in the
/// browser) and its scripts and styles at <c>/dashboard/assets/…</c>. The files are embedded in this assembly
/// from <c>wwwroot/dashboard</c>, so the service serves them wherever it runs — nothing comes from a CDN.
/// They read the monitoring API through root-relative URLs, so they work the same behind the gateway.
/// </summary>
public static class DashboardApi
{
    private const string ResourcePrefix = "dashboard/";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var files = LoadEmbeddedFiles();
        var shell = files["index.html"];
        app.MapGet("/dashboard", (HttpContext http) => shell.Write(http)).ExcludeFromDescription();
        app.MapGet("/dashboard/{page}", (HttpContext http) => shell.Write(http)).ExcludeFromDescription();
        app.MapGet("/dashboard/assets/{**path}", (string path, HttpContext http) =>
            files.TryGetValue(path, out var file) ? file.Write(http) : Results.NotFound()).ExcludeFromDescription();
        return app;
    }

    private static FrozenDictionary<string, DashboardFile> LoadEmbeddedFiles()
    {
        var assembly = typeof(DashboardApi).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            // MSBuild writes RecursiveDir with the build machine's separator
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            files[path] = DashboardFile.Read(assembly, name, types.TryGetContentType(path, out var type) ? type : "application/octet-stream");
        }
        if (!files.ContainsKey("index.html"))
            throw new InvalidOperationException("The dashboard's index.html is not embedded in FineTune.Monitoring (EmbeddedResource wwwroot/dashboard/**).");
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One embedded file with its content type and a content hash for revalidation.</summary>
    private sealed record DashboardFile(byte[] Content, string ContentType, string ETag)
    {
        public static DashboardFile Read(Assembly assembly, string resource, string contentType)
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            return new DashboardFile(content, contentType == "text/javascript" ? "text/javascript; charset=utf-8" : contentType,
                $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        // no-cache: the browser revalidates every load, so a new build is picked up at once, but unchanged files cost a 304
        public IResult Write(HttpContext http)
        {
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers.ETag = ETag;
            return http.Request.Headers.IfNoneMatch == ETag ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(Content, ContentType);
        }
    }
}
