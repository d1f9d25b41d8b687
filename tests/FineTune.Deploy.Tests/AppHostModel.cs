using System.Text.RegularExpressions;

namespace FineTune.Deploy.Tests;

/// <summary>A resource the AppHost declares: a project (with its path) or infrastructure, and what it references.</summary>
public sealed record AppHostResource(string Name, string? ProjectPath, IReadOnlyList<string> References);

/// <summary>
/// The resource model read from FineTune.AppHost/Program.cs — names, project paths and
/// <c>WithReference</c> edges — so the Azure wiring can be compared with the local one it must match.
/// </summary>
public static partial class AppHostModel
{
    public static IReadOnlyList<AppHostResource> Load(string programFile)
    {
        // Comments go first: one may hold a ';' or a call that is not code.
        var source = LineComment().Replace(File.ReadAllText(programFile), "");
        var variables = new Dictionary<string, string>(); // variable → resource name
        var resources = new List<(string Name, string? Path, List<string> ReferenceVariables)>();

        foreach (var statement in source.Split(';'))
        {
            var declaration = Declaration().Match(statement);
            if (!declaration.Success) continue;
            var name = declaration.Groups["name"].Value;
            if (declaration.Groups["variable"].Success) variables[declaration.Groups["variable"].Value] = name;
            var path = declaration.Groups["path"].Success ? declaration.Groups["path"].Value : null;
            resources.Add((name, path, Reference().Matches(statement).Select(m => m.Groups["variable"].Value).ToList()));
        }

        return resources.Select(r => new AppHostResource(r.Name, r.Path,
            r.ReferenceVariables.Select(v => variables.TryGetValue(v, out var name)
                ? name
                : throw new InvalidOperationException($"{programFile}: {r.Name} references '{v}', which no statement declares.")).ToList()))
            .ToList();
    }

    [GeneratedRegex("""(?:var\s+(?<variable>\w+)\s*=\s*)?builder\s*\.\s*Add\w+\(\s*"(?<name>[^"]+)"(?:\s*,\s*"(?<path>[^"]+)")?""")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"(?<=^|\s)//[^\n]*", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\.WithReference\(\s*(?<variable>\w+)\s*\)")]
    private static partial Regex Reference();
}
