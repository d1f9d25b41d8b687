namespace FineTune.Cli.Tests;

/// <summary>A small corpus in build-corpus.sh's layout, and the settings of a model tiny enough to pre-train on it in seconds.</summary>
internal static class TestCorpus
{
    public static readonly string[] TinyModel =
    [
        "--vocab", "300", "--layers", "1", "--hidden", "32", "--intermediate", "64", "--heads", "2", "--kv-heads", "1",
        "--seq", "32", "--batch", "4", "--steps", "12", "--warmup", "2", "--eval-every", "6", "--eval-windows", "16",
        "--checkpoint-every", "6",
    ];

    /// <summary>Documents closed by an end-of-text line, with a sources.json naming one package.</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        string[] sentences =
        [
            "The package manager installs software and keeps it up to date.",
            "A dictionary defines words and shows how they are used.",
            "The system administrator configures the network before the server starts.",
            "Every manual page describes one command and its options.",
        ];
        string Documents(int count, int offset) => string.Concat(Enumerable.Range(offset, count).Select(i =>
            $"{sentences[i % 4]} {sentences[(i / 4) % 4]}\n\n{sentences[(i + 1) % 4]}\n<|endoftext|>\n"));
        File.WriteAllText(Path.Combine(folder, "train.txt"), Documents(300, 0));
        File.WriteAllText(Path.Combine(folder, "valid.txt"), Documents(40, 1000));
        File.WriteAllText(Path.Combine(folder, "sources.json"),
            """{"sources":[{"package":"test-package","version":"1.0","licences":["CC0-1.0"],"bytes":{"train":1,"valid":1}}]}""");
    }
}
