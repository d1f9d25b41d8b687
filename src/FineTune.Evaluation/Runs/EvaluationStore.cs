using System.Text;
using System.Text.Json;
using FineTune.Evaluation.Reports;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Evaluation.Runs;

/// <summary>Evaluations at <c>evaluations/{id}/</c>: the ETag-guarded record, and the report as JSON and as Markdown.</summary>
public sealed class EvaluationStore(IArtifactStore store)
{
    private readonly JsonDocuments<EvaluationRecord> _documents = new(store);

    /// <summary>The record, created as queued when there is none yet (a command may arrive twice).</summary>
    public async Task<EvaluationRecord> GetOrCreateAsync(string id, EvaluationRequest request, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is { } existing) return existing;
        var record = new EvaluationRecord { Id = id, Request = request, CreatedAt = DateTimeOffset.UtcNow };
        try { await _documents.CreateAsync(Key(id), record, cancellationToken); }
        catch (ArtifactPreconditionFailedException) { return (await GetAsync(id, cancellationToken))!; }
        return record;
    }

    public async Task<EvaluationRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        IsId(id) ? (await _documents.GetAsync(Key(id), cancellationToken))?.Document : null;

    public Task<EvaluationRecord> UpdateAsync(string id, Func<EvaluationRecord, EvaluationRecord?> change, CancellationToken cancellationToken = default) =>
        _documents.UpdateAsync(Key(id), change, cancellationToken);

    /// <summary>Stores the report (JSON, and Markdown beside it) and returns the JSON's properties.</summary>
    public async Task<ArtifactInfo> SaveReportAsync(EvaluationReport report, CancellationToken cancellationToken)
    {
        var json = await store.PutAsync(ReportKey(report.Id), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(report, ServiceJson.Options)),
            new PutOptions { ContentType = "application/json" }, cancellationToken);
        await store.PutAsync($"evaluations/{report.Id}/report.md", new MemoryStream(Encoding.UTF8.GetBytes(MarkdownReport.Render(report))),
            new PutOptions { ContentType = "text/markdown; charset=utf-8" }, cancellationToken);
        return json;
    }

    public Task<ArtifactReadResult> OpenAsync(string key, CancellationToken cancellationToken) => store.GetAsync(key, cancellationToken: cancellationToken);

    public static string ReportKey(string id) => $"evaluations/{id}/report.json";

    public static string NewId() => "eval-" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>The evaluation of a training job has a fixed id, so a redelivered TrainingCompleted finds the first one.</summary>
    public static string ForJob(string jobId) => "eval-" + jobId;

    private static bool IsId(string id) => id.StartsWith("eval-", StringComparison.Ordinal) && id.Length <= 80 && id[5..].All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static string Key(string id) => $"evaluations/{id}/evaluation.json";
}
