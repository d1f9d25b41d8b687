using System.Threading.Channels;
using FineTune.Contracts;
using MassTransit;

namespace FineTune.Inference.Serving;

/// <summary>
/// <see cref="InferenceRecorded"/> for monitoring, sent in small batches (up to 32, or every second)
/// so a busy server does not publish once per request. A record holds counts, timings, safety flags and
/// a <see cref="PromptSketch"/> — never the prompt's text.
/// </summary>
public sealed class InferenceRecords(IBus bus, ILogger<InferenceRecords> logger) : BackgroundService
{
    public const int BatchSize = 32;
    private readonly Channel<InferenceRecorded> _pending = Channel.CreateBounded<InferenceRecorded>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Record(InferenceRecorded record) => _pending.Writer.TryWrite(record);

    /// <summary>The model reference a served id stands for: <c>name:3</c> is version 3 of name; a base model is version 0.</summary>
    public static ModelRef RefOf(string servedId) =>
        servedId.Split(':') is [var name, var version] && int.TryParse(version, out var number) ? new ModelRef(name, number) : new ModelRef(servedId, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<InferenceRecorded>(BatchSize);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await _pending.Reader.WaitToReadAsync(stoppingToken)) return;
                using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                window.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    while (batch.Count < BatchSize && await _pending.Reader.WaitToReadAsync(window.Token))
                        while (batch.Count < BatchSize && _pending.Reader.TryRead(out var record)) batch.Add(record);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { /* the second is up: send what there is */ }
                await bus.PublishBatch(batch, stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) { logger.LogWarning(e, "{Count} inference records could not be published", batch.Count); }
            batch.Clear();
        }
    }
}
