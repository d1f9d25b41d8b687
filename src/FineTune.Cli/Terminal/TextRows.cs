using Spectre.Console;

namespace FineTune.Cli.Terminal;

/// <summary>
/// Table rows of plain text: values from the suite (answers, file names, metrics) may hold '[' and
/// ']', which Spectre's string overload would read as markup.
/// </summary>
internal static class TextRows
{
    public static Table AddTextRow(this Table table, params string[] values) => table.AddRow([.. values.Select(v => new Text(v))]);
}
