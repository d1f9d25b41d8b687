using YamlDotNet.RepresentationModel;

namespace FineTune.Deploy.Tests;

/// <summary>One service of azure.yaml: what azd deploys, from which project, to what host.</summary>
public sealed record AzdService(string Name, string? Project, string? Language, string? Host);

/// <summary>azure.yaml as azd reads it: the services and the hooks' scripts.</summary>
public sealed record AzureYaml(IReadOnlyList<AzdService> Services, IReadOnlyList<string> HookScripts)
{
    public static AzureYaml Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;

        var services = Child(root, "services") is YamlMappingNode serviceNodes
            ? serviceNodes.Children.Select(entry => ToService(((YamlScalarNode)entry.Key).Value!, (YamlMappingNode)entry.Value)).ToList()
            : [];
        var hookScripts = Child(root, "hooks") is YamlMappingNode hooks
            ? hooks.AllNodes.OfType<YamlMappingNode>().Select(node => Scalar(node, "run")).OfType<string>().ToList()
            : [];
        return new AzureYaml(services, hookScripts);
    }

    private static AzdService ToService(string name, YamlMappingNode node) =>
        new(name, Scalar(node, "project"), Scalar(node, "language"), Scalar(node, "host"));

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;
}
