using System.ClientModel;
using System.Diagnostics;
using FineTune.Testing;
using OpenAI.Chat;

namespace FineTune.EndToEnd.Tests;

[Collection(SuiteCollection.Name)]
public sealed class InferenceReplicaKillSpecs(Suite suite)
{
    private const int Clients = 8;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(7);

    /// <summary>
    /// The most requests the gateway's failover design lets fail when a replica dies under load.
    /// Only an idempotent request whose connection failed is retried on the other replica; a chat
    /// completion is a POST, so (1) every completion in flight on the killed replica fails — at most
    /// one per client, since each client waits for its answer — and (2) a POST sent to the dead
    /// replica before the gateway ejects it fails to connect and is not retried: ejection comes after
    /// <c>Gateway__Health__EjectAfterFailures</c> (3) consecutive failures or one failed probe, and
    /// up to one request per client can be on its way there while that count is reached.
    /// </summary>
    private const int AllowedFailures = Clients + 3 + Clients;

    [Fact]
    public async Task Requests_keep_succeeding_through_the_other_replica_when_one_is_killed_under_load()
    {
        var model = await suite.TrainedModel;
        var chat = suite.OpenAi(retries: 0).GetChatClient(model.Name);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8 };
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;
        var outcomes = new List<(TimeSpan Started, bool Succeeded, string Detail)>();

        async Task ClientAsync(int client)
        {
            while (clock.Elapsed < BeforeKill + AfterKill)
            {
                var started = clock.Elapsed;
                (bool, string) outcome;
                try
                {
                    ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage($"Client {client}: where is my order?")], options);
                    outcome = (answer.Content.Count > 0, answer.Model);
                }
                catch (Exception e) when (e is ClientResultException or HttpRequestException or IOException)
                {
                    outcome = (false, e.Message.Split('\n')[0]);
                }
                lock (outcomes) outcomes.Add((started, outcome.Item1, outcome.Item2));
            }
        }

        var load = Enumerable.Range(0, Clients).Select(ClientAsync).ToList();
        await Task.Delay(BeforeKill);
        var victim = (await suite.PidOfAsync("inference", "inference-0"))!.Value;
        Processes.Signal(victim, "KILL");
        killedAt = clock.Elapsed;
        await Task.WhenAll(load);

        var failures = outcomes.Where(o => !o.Succeeded).ToList();
        var servedAfterKill = outcomes.Count(o => o.Succeeded && o.Started > killedAt);
        var summary = $"{outcomes.Count} requests, {failures.Count} failed:\n{string.Join('\n', failures.Select(f => $"  at {f.Started.TotalSeconds:0.0} s: {f.Detail}"))}\nAppHost output:\n{suite.Tail("gateway", "inference-0")}";
        Assert.True(outcomes.Count(o => o.Succeeded && o.Started < killedAt) > 0, "nothing succeeded before the kill: " + summary);
        Assert.True(failures.Count <= AllowedFailures, $"more than {AllowedFailures} failures: " + summary);
        Assert.True(servedAfterKill >= 2 * Clients, $"only {servedAfterKill} requests sent after the kill succeeded: " + summary);
        await suite.RestartedAsync("inference", "inference-0", victim, TimeSpan.FromSeconds(60));
    }
}
