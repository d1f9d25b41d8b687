using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.Datasets.Versions;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Evaluation.Tests;

/// <summary>The evaluation service's real Program on a test server, embedded hosting, with small limits so a run takes seconds.</summary>
public sealed class EvaluationApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _folder = new("evaluation");

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", Path.Combine(_folder.Path, "artifacts"));
        builder.UseSetting("Evaluation:WorkFolder", Path.Combine(_folder.Path, "work"));
        builder.UseSetting("Evaluation:TestLimit", "24");
        builder.UseSetting("Evaluation:MaxNewTokens", "6");
        builder.UseSetting("Evaluation:ForgettingWindows", "8");
    }

    /// <summary>A curated version of the product-review sample, laid out as curation writes it; returns "reviews:1".</summary>
    public async Task<string> WriteReviewsAsync()
    {
        var folder = RepositoryFiles.PathOf("samples", "tasks", "product_reviews");
        async Task<CuratedFile> Put(string file, int lines)
        {
            var bytes = Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(Path.Combine(folder, file)).Take(lines)) + "\n");
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var key = DatasetVersionKeys.Object("reviews", sha, "jsonl");
            await Store.PutAsync(key, new MemoryStream(bytes));
            return new CuratedFile(key, sha, bytes.Length, lines);
        }
        var manifest = new CuratedVersion("reviews", 1, "0123abcd", "chat", await Put("train.jsonl", 200), await Put("validation.jsonl", 20), await Put("test.jsonl", 40));
        await Store.PutAsync(DatasetVersionKeys.Manifest("reviews", 1), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, ServiceJson.Options)));
        return "reviews:1";
    }

    /// <summary>A finished training job as the training service stores it: its document and its adapter under <c>jobs/{id}/output/</c>.</summary>
    public async Task WriteJobAsync(string jobId, string adapterFolder)
    {
        string? weightsSha = null;
        long weightsLength = 0;
        foreach (var file in Directory.EnumerateFiles(adapterFolder))
        {
            await using var content = File.OpenRead(file);
            var info = await Store.PutAsync($"jobs/{jobId}/output/{Path.GetFileName(file)}", content);
            if (file.EndsWith("adapter_model.safetensors", StringComparison.Ordinal)) (weightsSha, weightsLength) = (info.Sha256, info.Length);
        }
        var job = new
        {
            id = jobId, model = "finetune-base", status = "succeeded",
            dataset = new { dataset_id = "reviews", version = 1, sha256 = "0123abcd" },
            result = new { weights = new { uri = $"artifacts://jobs/{jobId}/output/adapter_model.safetensors", sha256 = weightsSha, length = weightsLength }, is_adapter = true },
        };
        await Store.PutAsync($"jobs/{jobId}/job.json", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(job)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
