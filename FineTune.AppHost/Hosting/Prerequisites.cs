using System.Net;
using System.Net.Sockets;
using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Checks, before anything starts, that every binary a resource runs is installed and every port it
/// listens on is free, so a missing tool never leaves half a suite running.
/// </summary>
public static class Prerequisites
{
    private const string InstallAll = "scripts/install-dependencies.sh installs everything FineTune needs.";

    /// <summary>One line per problem, naming the resource, what is missing and the command that installs it; empty when all is well.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<IResource> resources)
    {
        var problems = new List<string>();
        foreach (var resource in resources)
            foreach (var process in resource.Processes)
            {
                var (path, tool, install) = Binary(process);
                if (!File.Exists(path))
                    problems.Add($"{resource.Name}: {tool} is not installed (looked for {path}). Install it with: {install}");
                foreach (var port in Ports(process).Where(InUse))
                    problems.Add($"{resource.Name}: port {port} on 127.0.0.1 is already in use by another program. Stop that program, or run again (ports are picked afresh each run).");
            }
        return problems;
    }

    public static void ThrowIfAny(IEnumerable<IResource> resources)
    {
        var problems = Problems(resources);
        if (problems.Count > 0)
            throw new PrerequisitesMissingException(
                $"Nothing was started, because:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}{Environment.NewLine}{InstallAll}");
    }

    // The install commands are the ones scripts/install-dependencies.sh runs.
    private static (string Path, string Tool, string Install) Binary(LocalServer process) => process switch
    {
        RabbitMqServer rabbit => (Path.Combine(rabbit.ScriptsDirectory, "rabbitmq-server"), "rabbitmq-server", "sudo apt-get install -y --no-install-recommends rabbitmq-server"),
        RedisServer redis => (redis.Executable, "redis-server", "sudo apt-get install -y --no-install-recommends redis-server"),
        AzuriteServer azurite => (azurite.Executable, "azurite", $"(cd {Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(azurite.Executable)))} && npm ci)   [npm package azurite, from .tools/package-lock.json]"),
        ServiceProcess service => (service.AssemblyPath, $"the build of {Path.GetFileNameWithoutExtension(service.AssemblyPath)}", "dotnet build FineTune.sln -c Release"),
        _ => (typeof(LocalServer).Assembly.Location, process.Name, InstallAll),
    };

    private static IEnumerable<int> Ports(LocalServer process) =>
        process is RabbitMqServer { EnableManagement: true } rabbit ? [rabbit.Port, rabbit.ManagementPort] : [process.Port];

    private static bool InUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}

/// <summary>A binary is missing or a port is taken; the message says which and how to fix it.</summary>
public sealed class PrerequisitesMissingException(string message) : Exception(message);
