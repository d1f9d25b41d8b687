using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.LocalServers;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using MassTransit;

namespace FineTune.Training.Tests;

[CollectionDefinition(Name)]
public sealed class TrainingInfrastructure : ICollectionFixture<RabbitMqFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "training-infrastructure";
}

/// <summary>
/// Two training service processes compete for jobs on a real RabbitMQ, with artifacts in Azurite.
/// The worker that holds a job is killed (SIGKILL) mid-run; the other takes the redelivered command,
/// resumes from the last stored checkpoint, and ends with the same adapter, byte for byte, as an
/// uninterrupted run of the same job — and TrainingCompleted arrives over the broker.
/// </summary>
[Collection(TrainingInfrastructure.Name)]
public sealed class WorkerCrashSpecs(RabbitMqFixture rabbit, AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _container = $"training-{Guid.NewGuid():N}";
    private readonly TempDirectory _work = new("workers");
    private readonly List<ServiceProcess> _workers = [];
    private readonly ConcurrentQueue<TrainingCompleted> _completed = new();
    private readonly ConcurrentQueue<TrainingProgressed> _progressed = new();
    private IBusControl? _listener;

    public async Task InitializeAsync()
    {
        var uri = new Uri(rabbit.ConnectionString);
        _listener = Bus.Factory.CreateUsingRabbitMq(bus =>
        {
            bus.Host(uri.Host, (ushort)uri.Port, "/", host => { host.Username("guest"); host.Password("guest"); });
            bus.ReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance,
                endpoint =>
                {
                    endpoint.Handler<TrainingCompleted>(c => { _completed.Enqueue(c.Message); return Task.CompletedTask; });
                    endpoint.Handler<TrainingProgressed>(c => { _progressed.Enqueue(c.Message); return Task.CompletedTask; });
                });
        });
        await _listener.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers) await worker.StopAsync();
        if (_listener is not null) await _listener.StopAsync();
        _work.Dispose();
    }

    private async Task<ServiceProcess> StartWorkerAsync(string name)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory); // …/bin/<configuration>/<framework>/
        var assembly = RepositoryFiles.PathOf("src", "FineTune.Training", "bin", output.Parent!.Name, output.Name, "FineTune.Training.dll");
        var worker = new ServiceProcess(name, assembly, _work.Path);
        worker.Environment["ConnectionStrings__messaging"] = rabbit.ConnectionString;
        worker.Environment["ConnectionStrings__artifacts"] = azurite.ConnectionString;
        worker.Environment["Storage__Container"] = _container;
        worker.Environment["Training__Lease"] = "00:00:03";
        worker.Environment["Training__ProgressEvery"] = "1";
        worker.Environment["Training__WorkFolder"] = Path.Combine(_work.Path, name);
        _workers.Add(worker);
        await worker.StartAsync();
        return worker;
    }

    private static object Job(string file) => new
    {
        model = "finetune-base", training_file = file, seed = 11, suffix = "crash",
        hyperparameters = new { n_epochs = 3, batch_size = 4 },
        extensions = new { method = "lora", rank = 4, learning_rate = 3e-3, save_steps = 4, eval_steps = 4, max_seq_length = 192 },
    };

    [Fact]
    public async Task A_worker_killed_mid_job_is_replaced_and_the_model_equals_that_of_an_uninterrupted_run()
    {
        var store = ArtifactStoreFactory.Create(new ArtifactStoreSettings { AzureConnectionString = azurite.ConnectionString, Container = _container });
        var file = await CuratedData.WriteAsync(store, "tickets");
        var a = await StartWorkerAsync("training-a");
        var b = await StartWorkerAsync("training-b");
        using var clientA = new HttpClient { BaseAddress = new Uri(a.ConnectionString) };
        using var clientB = new HttpClient { BaseAddress = new Uri(b.ConnectionString) };

        var id = (await JobCalls.CreateAsync(clientA, Job(file))).GetProperty("id").GetString()!;
        var running = await JobCalls.WaitAsync(clientB, id, j => j.GetProperty("extensions").GetProperty("step").GetInt32() >= 9, "step 9, past two checkpoints");
        var holder = running.GetProperty("extensions").GetProperty("worker").GetString()!;
        var victim = _workers.Single(w => holder.EndsWith($":{w.ProcessId}", StringComparison.Ordinal));
        var survivor = _workers.Single(w => w != victim);
        Process.GetProcessById(victim.ProcessId!.Value).Kill(); // SIGKILL: no checkpoint, no goodbye

        using var client = new HttpClient { BaseAddress = new Uri(survivor.ConnectionString) };
        var resumed = await JobCalls.FinishedAsync(client, id);
        Assert.Equal("succeeded", resumed.GetProperty("status").GetString());
        Assert.Equal(36, resumed.GetProperty("extensions").GetProperty("step").GetInt32());
        var events = JsonDocument.Parse(await client.GetStringAsync($"/v1/fine_tuning/jobs/{id}/events?limit=200")).RootElement.GetProperty("data")
            .EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
        // killed after step 9, the job resumes on the survivor from a stored checkpoint (step 8, or a later one if the kill came late)
        var resumption = Assert.Single(events, m => m.StartsWith($"Worker {Environment.MachineName}:{survivor.ProcessId} resumes the job from the checkpoint at step ", StringComparison.Ordinal));
        Assert.InRange(int.Parse(resumption.Split(' ')[^1].TrimEnd('.')), 8, 32);

        // the same job, never interrupted, on the surviving worker
        var reference = (await JobCalls.CreateAsync(client, Job(file))).GetProperty("id").GetString()!;
        var uninterrupted = await JobCalls.FinishedAsync(client, reference);
        Assert.Equal("succeeded", uninterrupted.GetProperty("status").GetString());
        Assert.Equal(uninterrupted.GetProperty("extensions").GetProperty("model_sha256").GetString(), resumed.GetProperty("extensions").GetProperty("model_sha256").GetString());
        var adapter = await store.GetInfoAsync($"jobs/{id}/output/adapter_model.safetensors");
        Assert.Equal(adapter!.Sha256, resumed.GetProperty("extensions").GetProperty("model_sha256").GetString());

        var deadline = DateTime.UtcNow + JobCalls.Patience;
        while (_completed.Count(c => c.JobId == id || c.JobId == reference) < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        var announced = _completed.First(c => c.JobId == id);
        Assert.Equal(adapter.Sha256, announced.Model.Sha256);
        Assert.Contains(_completed, c => c.JobId == reference);
        // progress came over the broker from both workers: up to the kill, and again from the checkpoint on
        var steps = _progressed.Where(p => p.JobId == id).Select(p => p.Step).ToList();
        Assert.Contains(9, steps);
        Assert.Contains(36, steps);
        Assert.All(_progressed.Where(p => p.JobId == id), p => Assert.Equal(36, p.TotalSteps));
    }
}
