using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>One stream of traffic: a model version, served bare or with one adapter.</summary>
public sealed record SeriesKey(ModelRef Model, string? Adapter);

/// <summary>What happened to a record handed to the <see cref="TrafficStore"/>.</summary>
public enum RecordOutcome
{
    Counted,
    Duplicate,
    Late,
    /// <summary>No request id or model: nothing could be counted.</summary>
    Invalid,
}

/// <summary>
/// Minute buckets of every series over event time (<see cref="InferenceRecorded.RecordedAt"/>), so a
/// replay gives the same windows as the live run. The watermark is the latest minute seen; only the
/// <see cref="RetainedMinutes"/> up to it are kept, which bounds memory, and a record older than that
/// is late: it could not change any window any more. Request ids are remembered as long as their
/// minute is kept, so a redelivery is counted once. Not thread-safe: its owner serialises access.
/// </summary>
public sealed class TrafficStore
{
    /// <summary>The longest window (1 h).</summary>
    public const int RetainedMinutes = 60;

    private readonly Dictionary<SeriesKey, SortedDictionary<DateTimeOffset, MinuteBucket>> _series = [];
    private readonly Dictionary<SeriesKey, (long Requests, DateTimeOffset LastSeen)> _served = [];
    private readonly Dictionary<string, DateTimeOffset> _seenRequests = new(StringComparer.Ordinal);

    /// <summary>The start of the latest minute any record fell in; null before the first.</summary>
    public DateTimeOffset? Watermark { get; private set; }

    public IEnumerable<SeriesKey> Series => _series.Keys;

    public IReadOnlyDictionary<SeriesKey, (long Requests, DateTimeOffset LastSeen)> Served => _served;

    public static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }

    public RecordOutcome Add(InferenceRecorded record, VersionReference? reference)
    {
        var minute = MinuteOf(record.RecordedAt);
        if (Watermark is { } mark && minute <= mark.AddMinutes(-RetainedMinutes)) return RecordOutcome.Late;
        if (_seenRequests.ContainsKey(record.RequestId)) return RecordOutcome.Duplicate;
        _seenRequests[record.RequestId] = minute;

        var key = new SeriesKey(record.Model, record.Adapter);
        if (!_series.TryGetValue(key, out var buckets)) _series[key] = buckets = [];
        if (!buckets.TryGetValue(minute, out var bucket)) buckets[minute] = bucket = new MinuteBucket(minute, reference);
        bucket.Add(record, reference);
        var served = _served.GetValueOrDefault(key);
        _served[key] = (served.Requests + 1, served.LastSeen > record.RecordedAt ? served.LastSeen : record.RecordedAt);

        if (Watermark is null || minute > Watermark) AdvanceTo(minute);
        return RecordOutcome.Counted;
    }

    /// <summary>The buckets of <paramref name="key"/> in the <paramref name="minutes"/> ending at the watermark.</summary>
    public IEnumerable<MinuteBucket> Window(SeriesKey key, int minutes)
    {
        if (Watermark is not { } mark || !_series.TryGetValue(key, out var buckets)) return [];
        var from = mark.AddMinutes(-(minutes - 1));
        return buckets.Values.Where(b => b.Minute >= from);
    }

    /// <summary>
    /// A copy of the buckets, the served totals, the watermark and the request ids still remembered
    /// (grouped by minute, so a snapshot spells each minute once rather than once per id).
    /// </summary>
    public TrafficSnapshot ToSnapshot() => new(Watermark,
        [.. _served.Select(s => new SeriesSnapshot(s.Key, s.Value.Requests, s.Value.LastSeen,
            [.. _series.GetValueOrDefault(s.Key)?.Values.Select(b => b.ToSnapshot()) ?? []]))],
        [.. _seenRequests.GroupBy(r => r.Value).OrderBy(g => g.Key).Select(g => new SeenMinute(g.Key, [.. g.Select(r => r.Key)]))]);

    public static TrafficStore FromSnapshot(TrafficSnapshot snapshot)
    {
        var store = new TrafficStore { Watermark = snapshot.Watermark };
        foreach (var series in snapshot.Series)
        {
            store._served[series.Key] = (series.Requests, series.LastSeen);
            store._series[series.Key] = new SortedDictionary<DateTimeOffset, MinuteBucket>(series.Buckets.ToDictionary(b => b.Minute, MinuteBucket.FromSnapshot));
        }
        foreach (var seen in snapshot.SeenRequests)
            foreach (var id in seen.RequestIds) store._seenRequests[id] = seen.Minute;
        return store;
    }

    private void AdvanceTo(DateTimeOffset minute)
    {
        Watermark = minute;
        var cutoff = minute.AddMinutes(-RetainedMinutes);
        foreach (var buckets in _series.Values)
            while (buckets.Count > 0 && buckets.First().Key <= cutoff) buckets.Remove(buckets.First().Key);
        foreach (var (id, seen) in _seenRequests.ToList())
            if (seen <= cutoff) _seenRequests.Remove(id);
    }
}

/// <summary>A <see cref="TrafficStore"/> as the analysis snapshot stores it.</summary>
public sealed record TrafficSnapshot(DateTimeOffset? Watermark, IReadOnlyList<SeriesSnapshot> Series, IReadOnlyList<SeenMinute> SeenRequests);

/// <summary>One series' served totals and its kept minute buckets.</summary>
public sealed record SeriesSnapshot(SeriesKey Key, long Requests, DateTimeOffset LastSeen, IReadOnlyList<MinuteBucketSnapshot> Buckets);

/// <summary>The request ids first seen in one minute, remembered to recognise redeliveries.</summary>
public sealed record SeenMinute(DateTimeOffset Minute, IReadOnlyList<string> RequestIds);
