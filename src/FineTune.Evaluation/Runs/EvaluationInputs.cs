using FineTune.Contracts;
using FineTune.Datasets;
using FineTune.Datasets.Canaries;
using FineTune.Evaluation.Gate;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;

namespace FineTune.Evaluation.Runs;

/// <summary>The models and data one evaluation compares: the candidate, the base it came from, production if there is one.</summary>
public sealed record EvaluationInputs(
    string Id,
    string BaseModelName,
    string? JobId,
    DatasetRef Dataset,
    LlamaModel Base,
    LlamaModel Candidate,
    LlamaModel? Production,
    ModelText Text,
    IReadOnlyList<ChatRecord> Test,
    IReadOnlyList<ChatRecord> TrainPool,
    IReadOnlyList<Canary> Canaries,
    GatePolicy Policy);
