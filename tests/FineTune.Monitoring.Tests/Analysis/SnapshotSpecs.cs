using FineTune.Monitoring.Analysis;
using FineTune.Testing;
using Xunit.Abstractions;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>The analysis snapshot's size under load, and what a restart does with one it cannot read.</summary>
public sealed class SnapshotSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task An_hour_at_a_thousand_requests_a_minute_snapshots_to_under_four_megabytes()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        var random = new Random(5);
        for (var minute = 0; minute < 61; minute++) // one more than is kept: the oldest minute has gone
            for (var i = 0; i < 1000; i++)
                await app.Analysis.RecordAsync(Traffic.Record(random, AnalysisApp.Model, null, Traffic.Start.AddMinutes(minute).AddMilliseconds(i * 60),
                    Guid.NewGuid().ToString(), new Traffic.Shift()));
        await app.Analysis.EvaluateAsync();

        var stored = await app.Store.GetInfoAsync(AnalysisSnapshot.Key);

        Assert.NotNull(stored);
        output.WriteLine($"snapshot of an hour at 1,000 requests a minute: {stored.Length:N0} bytes");
        Assert.InRange(stored.Length, 60_000 * 36, 4_000_000); // at least the 60,000 remembered ids; at most about 65 bytes a request
    }

    private const string Truncated = "{\"format\": 1, \"traffic\": [";

    [Fact]
    public async Task An_unreadable_snapshot_is_kept_aside_and_the_service_starts_empty()
    {
        using var storage = new TempDirectory("monitoring-restart");
        using (var first = new AnalysisApp(storage.Path))
        {
            await first.StartAsync();
            await first.Store.PutAsync(AnalysisSnapshot.Key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Truncated)));
        }
        using var second = new AnalysisApp(storage.Path);
        await second.StartAsync();

        Assert.Empty(second.Analysis.Served());
        var aside = await second.Store.ListAsync("monitoring/analysis/unreadable-").ToListAsync();
        Assert.Equal(Truncated.Length, Assert.Single(aside).Length);
    }
}
