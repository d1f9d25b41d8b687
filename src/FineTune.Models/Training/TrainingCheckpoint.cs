using System.Text.Json;
using FineTune.Engine.Optim;
using FineTune.Models.Formats;
using FineTune.Models.Llama;

namespace FineTune.Models.Training;

/// <summary>Where a run stands: written with each checkpoint as <c>trainer_state.json</c>.</summary>
public sealed record TrainerState
{
    public required long Step { get; init; }
    public required long TokensSeen { get; init; }
    public required double TrainingSeconds { get; init; }
    public required PretrainOptions Options { get; init; }
    public List<LossRecord> History { get; init; } = [];
}

/// <summary>The loss at a step, and the validation loss where one was measured.</summary>
public sealed record LossRecord(long Step, float Loss, float? ValidationLoss);

/// <summary>
/// A resumable snapshot in one folder: the model as a Hugging Face folder (usable on its own),
/// the optimizer's moments (<c>optimizer.safetensors</c>) and <c>trainer_state.json</c>. It is
/// written beside the previous one and swapped in by renames, so a crash at any moment leaves
/// either the old or the new snapshot whole, never a mix.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FolderName = "checkpoint";
    public const string StateFileName = "trainer_state.json";
    public const string OptimizerFileName = "optimizer.safetensors";

    private static JsonSerializerOptions Json => SnakeCaseJson.Options;

    public static void Save(string runFolder, LlamaModel model, AdamW optimizer, TrainerState state) =>
        Write(runFolder, staging =>
        {
            LlamaCheckpoints.Save(model, staging);
            SaveOptimizer(staging, optimizer);
            WriteState(staging, state);
        });

    /// <summary>
    /// Writes a snapshot through <paramref name="writeInto"/> into a staging folder, then swaps it in
    /// by renames: a crash at any moment leaves the old snapshot or the new one whole.
    /// </summary>
    public static void Write(string runFolder, Action<string> writeInto)
    {
        var final = Path.Combine(runFolder, FolderName);
        var staging = final + ".new";
        var previous = final + ".old";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        writeInto(staging);

        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, previous);
        Directory.Move(staging, final);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    public static void WriteState<T>(string checkpointFolder, T state) =>
        File.WriteAllText(Path.Combine(checkpointFolder, StateFileName), JsonSerializer.Serialize(state, Json));

    /// <summary>Adds an optimizer's moments and step count to <c>optimizer.safetensors</c> (several optimizers: one name prefix each).</summary>
    public static void SaveOptimizer(string checkpointFolder, AdamW optimizer, string prefix = "") =>
        SaveOptimizers(checkpointFolder, [(prefix, optimizer)]);

    public static void SaveOptimizers(string checkpointFolder, IReadOnlyList<(string Prefix, AdamW Optimizer)> optimizers)
    {
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        var metadata = new Dictionary<string, string>();
        foreach (var (prefix, optimizer) in optimizers)
        {
            var moments = optimizer.ExportState();
            tensors.Add((prefix + "m", [moments.M.Length], moments.M));
            tensors.Add((prefix + "v", [moments.V.Length], moments.V));
            metadata[prefix + "adamw_step"] = moments.Step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        SafetensorsWriter.Write(Path.Combine(checkpointFolder, OptimizerFileName), tensors, metadata);
    }

    /// <summary>The latest whole snapshot in <paramref name="runFolder"/>, or null when there is none.</summary>
    public static string? Find(string runFolder)
    {
        var final = Path.Combine(runFolder, FolderName);
        if (File.Exists(Path.Combine(final, StateFileName))) return final;
        // a crash between the two renames leaves only the previous snapshot, still whole
        var previous = final + ".old";
        return File.Exists(Path.Combine(previous, StateFileName)) ? previous : null;
    }

    public static TrainerState ReadState(string checkpointFolder) => ReadState<TrainerState>(checkpointFolder);

    public static T ReadState<T>(string checkpointFolder)
    {
        var path = Path.Combine(checkpointFolder, StateFileName);
        return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
               ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>Restores the optimizer's moments and step count saved with the snapshot.</summary>
    public static void RestoreOptimizer(string checkpointFolder, AdamW optimizer, string prefix = "")
    {
        using var file = SafetensorsFile.Open(Path.Combine(checkpointFolder, OptimizerFileName));
        var step = int.Parse(file.Metadata[prefix + "adamw_step"], System.Globalization.CultureInfo.InvariantCulture);
        optimizer.ImportState(new AdamWState(file.ReadFloat32(prefix + "m"), file.ReadFloat32(prefix + "v"), step));
    }
}
