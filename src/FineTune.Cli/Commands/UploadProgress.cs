using FineTune.Cli.Client;
using FineTune.Cli.Terminal;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>Uploads a raw data file to the suite with a byte progress bar.</summary>
internal static class UploadProgress
{
    public static Task<UploadedFile> UploadAsync(IAnsiConsole console, SuiteClient client, FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists) throw new ArgumentException($"'{file.FullName}' does not exist: name a JSONL or CSV file to upload.");
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"upload {file.Name}"), maxValue: Math.Max(file.Length, 1));
                await using var content = new ProgressStream(file.OpenRead(), sent => task.Value = sent);
                var uploaded = await client.UploadFileAsync(content, file.Name, cancellationToken);
                task.Value = task.MaxValue;
                return uploaded;
            });
    }
}
