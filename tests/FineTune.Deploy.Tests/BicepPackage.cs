using System.Reflection;

// The Bicep CLI package is the linux-x64 build, and the hook specs run sh.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FineTune.Deploy.Tests;

/// <summary>
/// Where the specs find the Bicep CLI restored from its NuGet package, recorded by the test project at
/// build time (assembly metadata), so no test guesses a path or needs a network.
/// </summary>
public static class BicepPackage
{
    /// <summary>The bicep binary from Azure.Bicep.CommandLine.linux-x64 (GeneratePathProperty).</summary>
    public static string Executable { get; } = Path.Combine(Metadata("BicepPackageFolder"), "tools", "bicep");

    private static string Metadata(string key) =>
        typeof(BicepPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it through FineTune.Deploy.Tests.csproj.");
}
