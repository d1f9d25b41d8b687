using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FineTune.LocalServers;
using FineTune.Storage.Redis;
using FineTune.Testing;
using static FineTune.Storage.Tests.Redis.RedisTestSupport;

namespace FineTune.Storage.Tests.Redis;

[Collection(RedisFixture.Collection)]
public sealed class RedisConnectionTests(RedisFixture redis)
{
    [Fact]
    public async Task Reconnects_on_the_next_command_after_the_server_drops_the_connection()
    {
        await using var admin = await RedisClient.ConnectAsync(redis.ConnectionString);
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var key = Key("survives");
        await client.SetAsync(key, "kept");
        var firstId = (await client.ExecuteAsync("CLIENT", "ID")).AsInt64();

        await KillClientAsync(admin, firstId);
        await WaitUntilAsync(() => !client.IsConnected, "the client noticed the drop");

        Assert.Equal("kept", await client.GetStringAsync(key));
        Assert.True(client.IsConnected);
        Assert.NotEqual(firstId, (await client.ExecuteAsync("CLIENT", "ID")).AsInt64());
    }

    [Fact]
    public async Task A_command_in_flight_when_the_connection_drops_fails_naming_the_endpoint_then_the_next_one_reconnects()
    {
        await using var admin = await RedisClient.ConnectAsync(redis.ConnectionString);
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var id = (await client.ExecuteAsync("CLIENT", "ID")).AsInt64();

        var blocked = client.ExecuteAsync("BLPOP", Key("never-pushed"), 30);
        await WaitUntilAsync(async () => (await admin.ExecuteAsync("CLIENT", "LIST", "ID", id)).AsString()!.Contains("cmd=blpop"),
            "BLPOP is blocking on the server");
        var clock = Stopwatch.StartNew();
        await KillClientAsync(admin, id);

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => blocked);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the waiting command failed only after {clock.Elapsed}");
        Assert.Equal(redis.ConnectionString, error.Endpoint);
        Assert.Contains(redis.ConnectionString, error.Message);
        Assert.Contains("was lost", error.Message);

        Assert.True(await client.PingAsync() >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Connecting_where_nothing_listens_fails_promptly_naming_host_and_port()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync($"127.0.0.1:{port}"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Equal($"127.0.0.1:{port}", error.Endpoint);

        // A lazily connecting client fails the same way on its first command, and again on the next.
        await using var lazy = new RedisClient($"127.0.0.1:{port}");
        await Assert.ThrowsAsync<RedisConnectionException>(() => lazy.PingAsync());
        await Assert.ThrowsAsync<RedisConnectionException>(() => lazy.GetStringAsync("k"));
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out_without_revealing_the_password()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
            RedisClient.ConnectAsync($"127.0.0.1:{port},password=hunter2-secret,connectTimeout=300"));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Contains("300 ms", error.Message);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.DoesNotContain("hunter2", error.ToString());
    }

    [Fact]
    public async Task Authenticates_an_acl_user_and_reports_a_wrong_password_without_echoing_it()
    {
        await using var admin = await RedisClient.ConnectAsync(redis.ConnectionString);
        var user = $"user-{Guid.NewGuid():N}";
        await admin.ExecuteAsync("ACL", "SETUSER", user, "on", ">right-password", "~*", "&*", "+@all");
        try
        {
            await using (var client = await RedisClient.ConnectAsync($"{redis.ConnectionString},user={user},password=right-password"))
                Assert.Equal(user, (await client.ExecuteAsync("ACL", "WHOAMI")).AsString());

            var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
                RedisClient.ConnectAsync($"{redis.ConnectionString},user={user},password=hunter2-wrong"));
            Assert.Contains("WRONGPASS", error.Message);
            Assert.Contains(redis.ConnectionString, error.Message);
            Assert.DoesNotContain("hunter2", error.ToString());
        }
        finally
        {
            await admin.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task Selects_the_default_database()
    {
        var key = Key("db");
        await using var db3 = await RedisClient.ConnectAsync($"{redis.ConnectionString},defaultDatabase=3");
        await using var db0 = await RedisClient.ConnectAsync(redis.ConnectionString);
        await db3.SetAsync(key, "in-3");
        try
        {
            Assert.Equal("in-3", await db3.GetStringAsync(key));
            Assert.Null(await db0.GetStringAsync(key));
        }
        finally
        {
            await db3.DeleteAsync(key);
        }
    }

    [Fact]
    public async Task Cancelling_a_wait_returns_promptly_and_keeps_later_replies_matched()
    {
        await using var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        var key = Key("after-cancel");
        await client.SetAsync(key, "right-reply");

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.ExecuteAsync(["BLPOP", Key("empty"), 2], cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"cancellation took {clock.Elapsed}");

        // The abandoned BLPOP still answers (nil, after its 2 s); that reply must not reach this GET.
        Assert.Equal("right-reply", await client.GetStringAsync(key));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetStringAsync(key, new CancellationToken(canceled: true)));
        Assert.Equal("right-reply", await client.GetStringAsync(key));
    }

    [Fact]
    public async Task A_disposed_client_refuses_commands()
    {
        var client = await RedisClient.ConnectAsync(redis.ConnectionString);
        await client.DisposeAsync();
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PingAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task The_client_name_is_set_on_connect()
    {
        var name = $"ft-{Guid.NewGuid():N}";
        await using var client = await RedisClient.ConnectAsync($"{redis.ConnectionString},name={name}");
        Assert.Equal(name, (await client.ExecuteAsync("CLIENT", "GETNAME")).AsString());
    }
}
