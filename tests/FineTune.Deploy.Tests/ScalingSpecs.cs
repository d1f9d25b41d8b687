using FineTune.Testing;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.Deploy.Tests;

[Collection(DeploymentCollection.Name)]
public sealed partial class ScalingSpecs(DeploymentFixture deployment)
{
    [Fact]
    public void Training_workers_scale_from_zero_on_the_length_of_the_start_training_queue()
    {
        var worker = deployment.ServiceApps["training-worker"];
        Assert.Equal(0, worker.MinReplicas);
        AssertQueueRule(worker, "start-training");
        Assert.Equal("true", worker.EnvValue("Training__Worker"));
    }

    [Fact]
    public void The_training_API_takes_no_jobs_so_idle_workers_can_go()
    {
        var api = deployment.ServiceApps["training"];
        Assert.Equal("false", api.EnvValue("Training__Worker"));
        Assert.DoesNotContain(api.ScaleRules, rule => rule["custom"] is not null);
    }

    [Fact]
    public void Evaluation_scales_out_on_the_length_of_the_evaluate_model_queue() =>
        AssertQueueRule(deployment.ServiceApps["evaluation"], "evaluate-model");

    [Fact]
    public void Inference_keeps_a_replica_and_scales_on_concurrent_requests()
    {
        var inference = deployment.ServiceApps["inference"];
        Assert.True(inference.MinReplicas >= 1);
        Assert.True(inference.MaxReplicas > inference.MinReplicas);
        var rule = Assert.Single(inference.ScaleRules, r => r["http"] is not null);
        Assert.True(int.Parse((string)rule["http"]!["metadata"]!["concurrentRequests"]!, CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Every_app_asks_for_cpu_and_memory_the_Consumption_profile_offers()
    {
        foreach (var app in deployment.ContainerApps.Values)
        {
            Assert.True(app.Cpu is >= 0.25 and <= 4 && app.Cpu * 4 == Math.Floor(app.Cpu * 4), $"{app}: {app.Cpu} cores is not a multiple of 0.25 up to 4.");
            Assert.True(app.Memory == $"{(app.Cpu * 2).ToString(CultureInfo.InvariantCulture)}Gi",
                $"{app}: {app.Memory} with {app.Cpu} cores; Consumption pairs each core with 2 GiB.");
            Assert.True(app.MaxReplicas >= Math.Max(app.MinReplicas, 1), $"{app}: maxReplicas {app.MaxReplicas} below minReplicas {app.MinReplicas}.");
        }
    }

    [Fact]
    public void A_training_worker_has_twice_the_peak_memory_measured_for_any_fine_tuning_method()
    {
        var peakMegabytes = MeasuredPeakMemoryMegabytes();
        var worker = deployment.ServiceApps["training-worker"];
        var gibibytes = double.Parse(worker.Memory.Replace("Gi", ""), CultureInfo.InvariantCulture);
        Assert.True(gibibytes * 1024 >= 2 * peakMegabytes, $"training-worker has {worker.Memory}; the evidence measured a {peakMegabytes} MB peak.");
    }

    private static void AssertQueueRule(ContainerApp app, string queue)
    {
        var rule = Assert.Single(app.ScaleRules, r => (string?)r["custom"]?["type"] == "rabbitmq");
        var custom = rule["custom"]!;
        Assert.Equal(queue, (string?)custom["metadata"]!["queueName"]);
        Assert.Equal("QueueLength", (string?)custom["metadata"]!["mode"]);
        Assert.True(int.Parse((string)custom["metadata"]!["value"]!, CultureInfo.InvariantCulture) >= 1);
        var auth = Assert.Single(custom["auth"]!.AsArray());
        Assert.Equal("host", (string?)auth!["triggerParameter"]);
        // The scaler reads the broker from the very secret the service connects with.
        Assert.Equal(app.EnvSecretRef("ConnectionStrings__messaging"), (string?)auth["secretRef"]);
    }

    // The "peak memory (MB)" column of every table in docs/evidence/fine-tuning.md.
    private static double MeasuredPeakMemoryMegabytes()
    {
        var peaks = new List<double>();
        int? column = null;
        foreach (var line in File.ReadLines(RepositoryFiles.PathOf("docs", "evidence", "fine-tuning.md")))
        {
            if (!line.StartsWith('|')) { column = null; continue; }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
            var header = cells.FindIndex(c => c == "peak memory (MB)");
            if (header >= 0) { column = header; continue; }
            if (column is { } c && c < cells.Count && Number().IsMatch(cells[c]))
                peaks.Add(double.Parse(cells[c].Replace(",", ""), CultureInfo.InvariantCulture));
        }
        Assert.True(peaks.Count > 0, "docs/evidence/fine-tuning.md has no 'peak memory (MB)' figures.");
        return peaks.Max();
    }

    [GeneratedRegex(@"^[0-9][0-9,]*(\.[0-9]+)?$")]
    private static partial Regex Number();
}
