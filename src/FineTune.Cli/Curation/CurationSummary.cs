using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using Spectre.Console;

namespace FineTune.Cli.Curation;

/// <summary>What a curation run did, as people read it: records through each step, the splits, and what was removed or redacted.</summary>
internal static class CurationSummary
{
    public static void Write(IAnsiConsole console, DatasetManifest manifest, CurationReport report)
    {
        var steps = new Table().Border(TableBorder.Rounded).Title($"{manifest.Dataset} v{manifest.Version}")
            .AddColumns("step", "in", "out", "removed");
        foreach (var step in report.Steps)
            steps.AddRow(step.Step, $"{step.RecordsIn:N0}", $"{step.RecordsOut:N0}", step.Removed > 0 ? $"[yellow]{step.Removed:N0}[/]" : step.Removed < 0 ? $"[green]+{-step.Removed:N0}[/]" : "0");
        console.Write(steps);

        console.MarkupLineInterpolated($"splits: train [cyan]{manifest.Train.Records:N0}[/], validation [cyan]{manifest.Validation.Records:N0}[/], test [cyan]{manifest.Test.Records:N0}[/]");
        console.MarkupLineInterpolated($"rejected lines: {report.RejectedLines.Count:N0}; filtered: {report.FilteredLines.Count:N0}; exact duplicate clusters: {report.ExactDuplicates.Count:N0}; near-duplicate clusters: {report.NearDuplicates.Count:N0}");
        var pii = report.PiiRedacted.Count == 0 ? "none" : string.Join(", ", report.PiiRedacted.Select(p => $"{p.Key} {p.Value:N0}"));
        console.MarkupLineInterpolated($"PII redacted: {pii}; records changed by cleaning: {report.RecordsChangedByCleaning:N0}");
        foreach (var line in report.RejectedLines.Take(5))
            console.MarkupLineInterpolated($"  [grey]{line.File}:{line.Line}{(line.Field is { } f ? $", field '{f}'" : "")}: {line.Reason}[/]");
        if (report.RejectedLines.Count > 5) console.MarkupLineInterpolated($"  [grey]… {report.RejectedLines.Count - 5:N0} more in the report[/]");
        console.MarkupLine(report.LeakageCheckPassed ? "leakage check: [green]passed[/]" : "leakage check: [red]failed[/]");
        console.MarkupLineInterpolated($"version sha256:{manifest.Sha256[..16]}…, manifest datasets/{manifest.Dataset}/versions/{manifest.Version:D6}.json");
    }
}
