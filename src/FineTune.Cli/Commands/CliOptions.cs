using System.CommandLine;
using FineTune.Storage.Artifacts;

namespace FineTune.Cli.Commands;

/// <summary>Options every command shares, and the store they select.</summary>
internal static class CliOptions
{
    public static readonly Option<string?> Store = new("--store")
    {
        Description = "Folder of the embedded artifact store (default: $FINETUNE_STORE, else .finetune/artifacts). " +
                      "Set ConnectionStrings__artifacts to use Azure Blob storage instead.",
        Recursive = true,
    };

    public static string StoreFolder(ParseResult parse) =>
        parse.GetValue(Store) ?? Environment.GetEnvironmentVariable("FINETUNE_STORE") ?? Path.Combine(".finetune", "artifacts");

    public static IArtifactStore OpenStore(ParseResult parse) => ArtifactStoreFactory.Create(new ArtifactStoreSettings
    {
        AzureConnectionString = Environment.GetEnvironmentVariable("ConnectionStrings__artifacts"),
        FileRoot = StoreFolder(parse),
    });
}
