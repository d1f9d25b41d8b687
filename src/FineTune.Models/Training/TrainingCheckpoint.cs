using System.Text.Json;
using System.Text.Json.Serialization;
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

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Save(string runFolder, LlamaModel model, AdamW optimizer, TrainerState state)
    {
        var final = Path.Combine(runFolder, FolderName);
        var staging = final + ".new";
        var previous = final + ".old";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        LlamaCheckpoints.Save(model, staging);
        var moments = optimizer.ExportState();
        SafetensorsWriter.Write(Path.Combine(staging, OptimizerFileName),
            [("m", [moments.M.Length], moments.M), ("v", [moments.V.Length], moments.V)],
            new Dictionary<string, string> { ["adamw_step"] = moments.Step.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        File.WriteAllText(Path.Combine(staging, StateFileName), JsonSerializer.Serialize(state, Json));

        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(final)) Directory.Move(final, previous);
        Directory.Move(staging, final);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
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

    public static TrainerState ReadState(string checkpointFolder)
    {
        var path = Path.Combine(checkpointFolder, StateFileName);
        return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Json)
               ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>Restores the optimizer's moments and step count saved with the snapshot.</summary>
    public static void RestoreOptimizer(string checkpointFolder, AdamW optimizer)
    {
        using var file = SafetensorsFile.Open(Path.Combine(checkpointFolder, OptimizerFileName));
        var step = int.Parse(file.Metadata["adamw_step"], System.Globalization.CultureInfo.InvariantCulture);
        optimizer.ImportState(new AdamWState(file.ReadFloat32("m"), file.ReadFloat32("v"), step));
    }
}
