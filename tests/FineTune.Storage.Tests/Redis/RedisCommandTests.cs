using System.Collections.Concurrent;
using System.Text;
using FineTune.Storage.Redis;
using FineTune.Testing;
using static FineTune.Storage.Tests.Redis.RedisTestSupport;

namespace FineTune.Storage.Tests.Redis;

[Collection(RedisFixture.Collection)]
public sealed class RedisCommandTests(RedisFixture redis) : IAsyncLifetime
{
    private RedisClient _client = null!;

    public async Task InitializeAsync() => _client = await RedisClient.ConnectAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Ping_answers_with_a_round_trip_time()
    {
        var roundTrip = await _client.PingAsync();
        Assert.InRange(roundTrip, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task Set_and_get_round_trip_a_string()
    {
        var key = Key("string");
        Assert.True(await _client.SetAsync(key, "grüße, 世界"));
        Assert.Equal("grüße, 世界", await _client.GetStringAsync(key));
        Assert.Equal(Encoding.UTF8.GetBytes("grüße, 世界"), await _client.GetAsync(key));
    }

    [Fact]
    public async Task Set_and_get_round_trip_a_5_MB_binary_value()
    {
        var key = Key("binary");
        var value = new byte[5 * 1024 * 1024];
        new Random(5).NextBytes(value);
        value[0] = (byte)'\r';
        value[1] = (byte)'\n';
        value[^1] = 0;

        Assert.True(await _client.SetAsync(key, value));
        Assert.Equal(value, await _client.GetAsync(key));
        Assert.Equal(value.Length, (await _client.ExecuteAsync("STRLEN", key)).AsInt64());
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await _client.GetAsync(Key("missing")));
        Assert.Null(await _client.GetStringAsync(Key("missing")));
    }

    [Fact]
    public async Task Set_with_a_ttl_reports_it_and_the_key_expires()
    {
        var key = Key("ttl");
        Assert.True(await _client.SetAsync(key, "short-lived", TimeSpan.FromSeconds(1)));
        var ttl = await _client.TimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        await WaitUntilAsync(async () => await _client.GetStringAsync(key) is null, "the key expired");
        Assert.Null(await _client.TimeToLiveAsync(key));
    }

    [Fact]
    public async Task A_sub_second_ttl_is_sent_in_milliseconds()
    {
        var key = Key("px");
        await _client.SetAsync(key, "v", TimeSpan.FromMilliseconds(1500));
        Assert.InRange((await _client.TimeToLiveAsync(key))!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1500));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.SetAsync(key, "v", TimeSpan.Zero));
    }

    [Fact]
    public async Task A_key_without_expiry_has_no_ttl()
    {
        var key = Key("no-ttl");
        await _client.SetAsync(key, "forever");
        Assert.Null(await _client.TimeToLiveAsync(key));
    }

    [Fact]
    public async Task Set_if_not_exists_writes_only_the_first_time_and_if_exists_only_after()
    {
        var key = Key("nx");
        Assert.False(await _client.SetAsync(key, "early", when: SetCondition.IfExists));
        Assert.Null(await _client.GetStringAsync(key));

        Assert.True(await _client.SetAsync(key, "first", when: SetCondition.IfNotExists));
        Assert.False(await _client.SetAsync(key, "second", TimeSpan.FromMinutes(1), SetCondition.IfNotExists));
        Assert.Equal("first", await _client.GetStringAsync(key));

        Assert.True(await _client.SetAsync(key, "replaced", when: SetCondition.IfExists));
        Assert.Equal("replaced", await _client.GetStringAsync(key));
    }

    [Fact]
    public async Task Delete_counts_the_keys_that_existed()
    {
        string[] keys = [Key("del"), Key("del"), Key("del")];
        await _client.SetAsync(keys[0], "a");
        await _client.SetAsync(keys[1], "b");

        Assert.True(await _client.ExistsAsync(keys[0]));
        Assert.False(await _client.ExistsAsync(keys[2]));
        Assert.Equal(2, await _client.DeleteAsync(keys));
        Assert.False(await _client.ExistsAsync(keys[0]));
        Assert.Equal(0, await _client.DeleteAsync(keys[0]));
    }

    [Fact]
    public async Task Incr_from_50_concurrent_callers_gives_the_exact_total_and_every_caller_its_own_reply()
    {
        var key = Key("counter");
        const int callers = 50, each = 200;
        var seen = new ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++) seen.Add(await _client.IncrementAsync(key));
        })));

        Assert.Equal(callers * each, long.Parse((await _client.GetStringAsync(key))!, System.Globalization.CultureInfo.InvariantCulture));
        // Each INCR reply went to the caller that sent it: every value from 1 to N exactly once.
        Assert.Equal(Enumerable.Range(1, callers * each).Select(v => (long)v), seen.Order());
    }

    [Fact]
    public async Task Incrby_from_50_concurrent_callers_gives_the_exact_total()
    {
        var key = Key("incrby");
        await Task.WhenAll(Enumerable.Range(1, 50).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++) await _client.IncrementByAsync(key, caller);
        })));
        Assert.Equal(20L * (50 * 51 / 2), await _client.IncrementByAsync(key, 0));
    }

    [Fact]
    public async Task Concurrent_gets_each_receive_their_own_value()
    {
        var keys = Enumerable.Range(0, 50).Select(i => (Key: Key("own"), Value: new string((char)('a' + i % 26), 1 + i * 997))).ToArray();
        foreach (var (key, value) in keys) await _client.SetAsync(key, value);

        await Task.WhenAll(keys.Select(kv => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++) Assert.Equal(kv.Value, await _client.GetStringAsync(kv.Key));
        })));
    }

    [Fact]
    public async Task Expire_sets_a_ttl_and_is_false_for_a_missing_key()
    {
        var key = Key("expire");
        await _client.SetAsync(key, "v");
        Assert.True(await _client.ExpireAsync(key, TimeSpan.FromSeconds(100)));
        Assert.InRange((await _client.TimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(100));
        Assert.True(await _client.ExpireAsync(key, TimeSpan.FromMilliseconds(300)));
        await WaitUntilAsync(async () => !await _client.ExistsAsync(key), "the key expired");
        Assert.False(await _client.ExpireAsync(key, TimeSpan.FromSeconds(10)));
    }

    private const string RateLimitScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    [Fact]
    public async Task Eval_runs_a_rate_limit_script_atomically()
    {
        var key = Key("rate");
        var counts = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
            _client.EvaluateAsync(RateLimitScript, [key], [60])));

        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), counts.Select(c => c.AsInt64()).Order());
        Assert.InRange((await _client.TimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));

        // The script cache being flushed (a server restart does the same) falls back to EVAL.
        await _client.ExecuteAsync("SCRIPT", "FLUSH");
        Assert.Equal(31, (await _client.EvaluateAsync(RateLimitScript, [key], [60])).AsInt64());
    }

    [Fact]
    public async Task Eval_returns_integers_strings_nested_arrays_nil_and_nested_errors()
    {
        var reply = await _client.EvaluateAsync("return {7, 'seven', {ARGV[1]}, redis.error_reply('NOPE inner')}", args: ["x"]);
        var items = reply.AsArray()!;
        Assert.Equal(7, items[0].AsInt64());
        Assert.Equal("seven", items[1].AsString());
        Assert.Equal("x", items[2].AsArray()![0].AsString());
        Assert.Equal("NOPE inner", items[3].ErrorMessage);

        Assert.True((await _client.EvaluateAsync("return nil")).IsNil);
        Assert.Equal("OK", (await _client.EvaluateAsync("return redis.status_reply('OK')")).AsString());
    }

    [Fact]
    public async Task A_script_error_is_a_server_exception()
    {
        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.EvaluateAsync("return redis.error_reply('LIMITED too many')"));
        Assert.Equal("LIMITED too many", error.ServerMessage);
        await Assert.ThrowsAsync<RedisServerException>(() => _client.EvaluateAsync("this is not lua"));
        Assert.True(await _client.PingAsync() >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Wrongtype_surfaces_as_a_server_exception_with_the_servers_message()
    {
        var key = Key("list");
        await _client.ExecuteAsync("LPUSH", key, "item");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.GetStringAsync(key));
        Assert.Equal("WRONGTYPE", error.ErrorCode);
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", error.ServerMessage);
        Assert.Equal("GET", error.Command);
        Assert.Contains(error.ServerMessage, error.Message);

        var notANumber = Key("text");
        await _client.SetAsync(notANumber, "abc");
        var incr = await Assert.ThrowsAsync<RedisServerException>(() => _client.IncrementAsync(notANumber));
        Assert.Equal("ERR", incr.ErrorCode);

        Assert.Equal("item", (await _client.ExecuteAsync("LPOP", key)).AsString()); // the connection is still in step
    }

    [Fact]
    public async Task Execute_runs_any_command()
    {
        var key = Key("hash");
        Assert.Equal(2, (await _client.ExecuteAsync("HSET", key, "a", "1", "b", Encoding.UTF8.GetBytes("2"))).AsInt64());
        var all = (await _client.ExecuteAsync(["HGETALL", key], CancellationToken.None)).AsArray()!;
        Assert.Equal(["a", "1", "b", "2"], all.Select(i => i.AsString()).Chunk(2).OrderBy(p => p[0]).SelectMany(p => p));
        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => _client.ExecuteAsync("NOSUCHCOMMAND"));
        Assert.Equal("NOSUCHCOMMAND", unknown.Command);
    }
}
