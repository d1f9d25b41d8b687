namespace FineTune.AppHost.Hosting;

/// <summary>Writes each resource's lines under a <c>name | </c> prefix, coloured per resource when the output is a terminal.</summary>
public sealed class ConsoleLog(TextWriter output)
{
    private static readonly ConsoleColor[] Colours =
        [ConsoleColor.Cyan, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Green, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ConsoleColor> _colours = [];

    public void Write(string name, string line) => Write(name, ColourOf(name), line);

    public void Error(string name, string line) => Write(name, ConsoleColor.Red, line);

    /// <summary>A line of its own, without a prefix, for scripts that wait for it.</summary>
    public void Announce(string line)
    {
        lock (_lock) output.WriteLine(line);
    }

    private void Write(string name, ConsoleColor colour, string line)
    {
        lock (_lock)
        {
            var coloured = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            if (coloured) Console.ForegroundColor = colour;
            output.Write($"{name,-10}| ");
            if (coloured) Console.ResetColor();
            output.WriteLine(line);
        }
    }

    private ConsoleColor ColourOf(string name)
    {
        lock (_lock)
        {
            if (!_colours.TryGetValue(name, out var colour))
                _colours[name] = colour = name == "apphost" ? ConsoleColor.White : Colours[_colours.Count % Colours.Length];
            return colour;
        }
    }
}
