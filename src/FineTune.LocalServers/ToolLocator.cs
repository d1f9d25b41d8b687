namespace FineTune.LocalServers;

/// <summary>Finds the project-local tools folder that scripts/install-dependencies.sh fills.</summary>
public static class ToolLocator
{
    /// <summary>
    /// <c>FINETUNE_TOOLS</c> if set, else the <c>.tools</c> folder beside the nearest FineTune.sln
    /// above the running program (so tests and the AppHost find it from their bin folders).
    /// </summary>
    public static string ToolsDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("FINETUNE_TOOLS");
            if (!string.IsNullOrEmpty(configured)) return configured;
            return Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), ".tools");
        }
    }

    /// <summary>The folder of the nearest FineTune.sln above the running program, or null outside a checkout.</summary>
    public static string? RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "FineTune.sln"))) return dir.FullName;
            return null;
        }
    }

    public static string NodeTool(string name) => Path.Combine(ToolsDirectory, "node_modules", ".bin", name);
}
