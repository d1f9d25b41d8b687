using System.CommandLine;
using FineTune.Cli.Curation;
using FineTune.Curation.Pipeline;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// <c>finetune curate</c>: validate, clean, redact, deduplicate, split without leakage and version a
/// dataset, in this process, with the curation service's own code.
/// </summary>
internal static class CurateCommand
{
    private static readonly CurationOptions Defaults = new();

    private static readonly Option<FileInfo> Data = new("--data") { Description = "Raw data: JSONL (chat, prompt/completion, text, text/label) or CSV with --column-mapping.", Required = true };
    private static readonly Option<string?> Dataset = new("--dataset") { Description = "Dataset name (default: from the file name)." };
    private static readonly Option<string?> ColumnMapping = new("--column-mapping") { Description = "CSV columns, e.g. text=review,label=sentiment or prompt=q,completion=a." };
    private static readonly Option<double> MaxErrorRate = new("--max-error-rate") { Description = "Share of bad lines above which the file is rejected.", DefaultValueFactory = _ => Defaults.MaxErrorRate };
    private static readonly Option<string[]> Labels = new("--labels") { Description = "Allowed labels (others are bad lines).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Abbreviations = new("--abbreviations") { Description = "Shipped abbreviation dictionaries to expand (medical).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<bool> KeepPii = new("--keep-pii") { Description = "Do not redact e-mail, phone, card, IBAN and IP addresses." };
    private static readonly Option<string[]> Languages = new("--languages") { Description = "Keep only these languages (ISO 639-1).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<double> NearDuplicates = new("--near-duplicate-threshold") { DefaultValueFactory = _ => Defaults.NearDuplicateThreshold };
    private static readonly Option<BalanceMode> Balance = new("--balance") { Description = "None, Oversample or ClassWeights.", DefaultValueFactory = _ => Defaults.Balance };
    private static readonly Option<bool> Augment = new("--augment") { Description = "Add WordNet synonym/swap/deletion copies of train records (marked augmented_from)." };
    private static readonly Option<int> KFolds = new("--k-folds") { Description = "Also deal train into this many folds (0: none).", DefaultValueFactory = _ => Defaults.KFolds };
    private static readonly Option<int> Seed = new("--seed") { DefaultValueFactory = _ => Defaults.Seed };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("curate", "Validate, clean, redact, deduplicate, split without leakage and version a dataset (in this process).")
        {
            Data, Dataset, ColumnMapping, MaxErrorRate, Labels, Abbreviations, KeepPii, Languages, NearDuplicates, Balance, Augment, KFolds, Seed,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var data = parse.GetValue(Data)!;
            var options = new CurationOptions
            {
                ColumnMapping = parse.GetValue(ColumnMapping),
                MaxErrorRate = parse.GetValue(MaxErrorRate),
                Labels = parse.GetValue(Labels) ?? [],
                Abbreviations = parse.GetValue(Abbreviations) ?? [],
                RedactPii = !parse.GetValue(KeepPii),
                Languages = parse.GetValue(Languages) ?? [],
                NearDuplicateThreshold = parse.GetValue(NearDuplicates),
                Balance = parse.GetValue(Balance),
                Augment = parse.GetValue(Augment),
                KFolds = parse.GetValue(KFolds),
                Seed = parse.GetValue(Seed),
            };
            var manifest = await CurationJob.RunAsync(console, data, parse.GetValue(Dataset) ?? CurationJob.NameFor(data), options,
                parse.GetValue(CliOptions.Store) ?? Environment.GetEnvironmentVariable("FINETUNE_STORE"), cancellationToken);
            return manifest is null ? 1 : 0;
        }, console));
        return command;
    }
}
