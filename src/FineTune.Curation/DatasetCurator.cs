using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Curation.Files;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using MassTransit;

namespace FineTune.Curation;

/// <summary>A curation's answer: the version, and whether this request made it (false: an earlier identical request did).</summary>
public sealed record Curated(DatasetManifest Manifest, bool IsNew);

/// <summary>A file id that names no stored file.</summary>
public sealed class UnknownFileException(string fileId) : Exception($"No file with id '{fileId}'.")
{
    public string FileId { get; } = fileId;
}

/// <summary>
/// Turns uploaded files into a dataset version and announces it: sources → <see cref="CurationPipeline"/>
/// → <see cref="DatasetVersionStore"/> → <see cref="DatasetCurated"/>. Asking twice for the same thing
/// (a retried request, a redelivered message) returns the version made the first time — and announces
/// it again, which downstream consumers take as a no-op — so nothing is curated twice.
/// </summary>
public sealed class DatasetCurator(FileStore files, DatasetVersionStore versions, FeedbackLog feedback, CurationPipeline pipeline,
    KeyedLocks locks, IPublishEndpoint publish, CurationMetrics metrics, ILogger<DatasetCurator> logger)
{
    public async Task<Curated> CurateAsync(string dataset, IReadOnlyList<string> fileIds, CurationOptions options,
        Guid? retrainingRequestId = null, IProgress<CurationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        DatasetNames.Validate(dataset);
        options.Validate();
        if (fileIds.Count == 0) throw new ArgumentException("Name at least one file to curate.", "file_ids");
        var requestKey = RequestKey(dataset, fileIds, options, retrainingRequestId);
        using var held = await locks.AcquireAsync(dataset, cancellationToken);
        var existing = (await versions.ListAsync(dataset, cancellationToken)).FirstOrDefault(v => v.RequestKey == requestKey);
        if (existing is not null)
        {
            logger.LogInformation("Dataset {Dataset} v{Version} already answers this request; announcing it again", dataset, existing.Version);
            await publish.Publish(existing.ToEvent(), cancellationToken);
            return new Curated(existing, IsNew: false);
        }

        var sources = new List<CurationSource>();
        foreach (var id in fileIds)
        {
            var file = await files.GetAsync(id, cancellationToken) ?? throw new UnknownFileException(id);
            sources.Add(new CurationSource(file.Filename, async ct => (await files.OpenContentAsync(id, ct)).Content));
        }

        var clock = Stopwatch.StartNew();
        var logged = new LoggedProgress(p =>
        {
            logger.LogInformation("Curating {Dataset}: {Step} ({Records} records)", dataset, p.Step, p.Done);
            progress?.Report(p);
        });
        CurationOutcome outcome;
        try
        {
            // the pipeline reads and computes synchronously; keep it off the request thread
            outcome = await Task.Run(() => pipeline.RunAsync(sources, options, logged, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is IngestionRejectedException or LeakageDetectedException or NotEnoughRecordsException)
        {
            metrics.Failed(dataset, e switch { LeakageDetectedException => "leakage", NotEnoughRecordsException => "too_few_records", _ => "rejected" });
            throw;
        }
        var manifest = await versions.CreateAsync(dataset, outcome, fileIds, options, requestKey, retrainingRequestId, cancellationToken);
        metrics.Curated(dataset, outcome.Report, clock.Elapsed);
        logger.LogInformation("Curated {Dataset} v{Version} ({Sha}): {Train}/{Validation}/{Test} records in {Seconds:0.0} s",
            dataset, manifest.Version, manifest.Sha256[..12], manifest.Train.Records, manifest.Validation.Records, manifest.Test.Records, clock.Elapsed.TotalSeconds);
        await publish.Publish(manifest.ToEvent(), cancellationToken);
        return new Curated(manifest, IsNew: true);
    }

    /// <summary>The next version of a dataset: its current version's sources and options, plus the feedback collected since.</summary>
    public async Task<DatasetManifest> RetrainAsync(RetrainingRequested request, CancellationToken cancellationToken = default)
    {
        var current = await versions.GetAsync(request.CurrentDataset.DatasetId, request.CurrentDataset.Version, cancellationToken)
            ?? throw new InvalidOperationException($"Retraining request {request.RequestId} names dataset {request.CurrentDataset.DatasetId} v{request.CurrentDataset.Version}, which does not exist.");
        var collected = await feedback.ListAsync(current.Dataset, cancellationToken);
        var sources = current.Sources.Concat(collected.Where(id => !current.Sources.Contains(id))).ToList();
        return (await CurateAsync(current.Dataset, sources, current.Options, request.RequestId, cancellationToken: cancellationToken)).Manifest;
    }

    // reports on the pipeline's own thread, in order (Progress<T> would post to the thread pool, out of order)
    private sealed class LoggedProgress(Action<CurationProgress> report) : IProgress<CurationProgress>
    {
        public void Report(CurationProgress value) => report(value);
    }

    private static string RequestKey(string dataset, IReadOnlyList<string> fileIds, CurationOptions options, Guid? retrainingRequestId)
    {
        var asked = $"{dataset}\n{string.Join(',', fileIds)}\n{JsonSerializer.Serialize(options, ServiceJson.Options)}\n{retrainingRequestId}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(asked)));
    }
}
