using FineTune.LocalServers;

namespace FineTune.Testing;

/// <summary>Files committed in the repository (samples, the shipped model), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string PathOf(params string[] parts) =>
        Path.Combine([ToolLocator.RepositoryRoot ?? throw new DirectoryNotFoundException($"No FineTune.sln above {AppContext.BaseDirectory}."), .. parts]);
}
