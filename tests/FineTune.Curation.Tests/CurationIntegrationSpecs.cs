using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Files;

namespace FineTune.Curation.Tests;

[CollectionDefinition(Name)]
public sealed class CurationInfrastructure : ICollectionFixture<RabbitMqFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "curation-infrastructure";
}

/// <summary>
/// The service against real RabbitMQ and Azurite: an upload curated into blob storage announces
/// <see cref="DatasetCurated"/> over the broker, and a <see cref="RetrainingRequested"/> sent over the
/// broker builds the next version from the previous sources plus feedback — once, however often it is delivered.
/// </summary>
[Collection(CurationInfrastructure.Name)]
public sealed class CurationIntegrationSpecs(RabbitMqFixture rabbit, AzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_upload_becomes_a_version_in_blob_storage_announced_over_RabbitMQ_and_retraining_builds_the_next_once()
    {
        using var app = new CurationApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = rabbit.ConnectionString,
            ["ConnectionStrings:artifacts"] = azurite.ConnectionString,
            ["Storage:Container"] = $"curation-{Guid.NewGuid():N}",
        });
        var client = app.CreateClient();
        var announced = new ConcurrentQueue<DatasetCurated>();
        var bus = app.Services.GetRequiredService<IBus>();
        var listener = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance,
            endpoint => endpoint.Handler<DatasetCurated>(context => { announced.Enqueue(context.Message); return Task.CompletedTask; }));
        await listener.Ready;

        var files = app.OpenAiFiles();
        using var raw = File.OpenRead(RawSamples.File("support_tickets"));
        var upload = (await files.UploadFileAsync(raw, "tickets.jsonl", FileUploadPurpose.FineTune)).Value;
        var created = await client.PostAsJsonAsync("/api/datasets/tickets/versions", new { file_ids = new[] { upload.Id } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var first = await Eventually(announced, e => e.Dataset.Version == 1);
        Assert.Equal("chat", first.TaskType);
        Assert.StartsWith("artifacts://datasets/tickets/objects/", first.Train.Uri);
        Assert.True(first.TrainRecords > 1500, $"{first.TrainRecords} train records");

        // feedback collected since, then monitoring asks for a new version — twice, as a redelivery would
        string[] words = ["blender", "kettle", "refund", "courier", "warranty", "invoice", "broken", "late", "charger", "screen", "parcel", "missing",
            "battery", "cracked", "address", "password", "login", "discount", "coupon", "noise", "leaking", "handle", "cable", "manual"];
        var feedback = string.Join('\n', Enumerable.Range(0, 20).Select(i =>
        {
            var random = new Random(i);
            var complaint = string.Join(' ', Enumerable.Range(0, 14).Select(_ => words[random.Next(words.Length)]));
            return JsonSerializer.Serialize(new { messages = new object[] { new { role = "user", content = $"Case {i}: {complaint}" }, new { role = "assistant", content = "{\"category\":\"returns\"}" } } });
        }));
        var feedbackFile = (await files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(feedback)), "feedback.jsonl", FileUploadPurpose.FineTune)).Value;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/datasets/tickets/feedback", new { file_id = feedbackFile.Id })).StatusCode);
        var request = new RetrainingRequested(Guid.NewGuid(), new ModelRef("support-bot", 1), first.Dataset, "prompt_length_psi above 0.2 for 1h", DateTimeOffset.UtcNow);
        await bus.Publish(request);
        await bus.Publish(request);

        var second = await Eventually(announced, e => e.RetrainingRequestId == request.RequestId);
        Assert.Equal(2, second.Dataset.Version);
        Assert.NotEqual(first.Dataset.Sha256, second.Dataset.Sha256);
        Assert.Equal(first.TrainRecords + first.ValidationRecords + first.TestRecords + 20,
            second.TrainRecords + second.ValidationRecords + second.TestRecords);

        // both deliveries are answered, by the same version: nothing was curated twice
        await Eventually(announced, e => e.RetrainingRequestId == request.RequestId, count: 2);
        var versions = JsonDocument.Parse(await client.GetStringAsync("/api/datasets/tickets/versions")).RootElement;
        Assert.Equal(2, versions.GetArrayLength());
        Assert.Equal([upload.Id, feedbackFile.Id], versions[1].GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        await listener.StopAsync();
    }

    private static async Task<DatasetCurated> Eventually(ConcurrentQueue<DatasetCurated> announced, Func<DatasetCurated, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var matching = announced.Where(match).ToList();
            if (matching.Count >= count) return matching[0];
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {count} matching DatasetCurated within {Patience.TotalSeconds} s; saw {announced.Count}: {string.Join(", ", announced.Select(a => $"v{a.Dataset.Version}"))}.");
    }
}
