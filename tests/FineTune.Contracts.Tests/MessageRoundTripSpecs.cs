using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Contracts.Tests;

/// <summary>
/// Every contract goes through MassTransit's serializer over the in-memory transport (which sends
/// serialized bytes) and must come out equal, field for field, to what went in.
/// </summary>
public sealed class MessageRoundTripSpecs
{
    private static readonly JsonSerializerOptions Canonical = new() { WriteIndented = false };

    public static TheoryData<string> MessageNames => [.. SampleMessages.MessageTypes.Select(t => t.Name)];

    [Fact]
    public void Every_message_of_the_pipeline_is_a_contract_in_one_namespace()
    {
        string[] expected =
        [
            "AlertRaised", "AlertResolved", "DatasetCurated", "DriftDetected", "EvaluateModel", "EvaluationCompleted", "InferenceRecorded",
            "ModelPromoted", "ModelRegistered", "ModelRolledBack", "RetrainingRequested", "RollbackRecommended", "StartTraining",
            "TrainingCompleted", "TrainingFailed", "TrainingProgressed",
        ];
        Assert.Equal(expected, SampleMessages.MessageTypes.Select(t => t.Name));
        Assert.All(SampleMessages.MessageTypes, t => Assert.Equal("FineTune.Contracts", t.Namespace));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public async Task A_message_survives_the_bus_unchanged(string messageName)
    {
        var type = SampleMessages.MessageTypes.Single(t => t.Name == messageName);
        var sent = SampleMessages.Create(type);

        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(x => x.AddConsumer(typeof(RecordingConsumer<>).MakeGenericType(type)))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(sent, type);

        Assert.True(await harness.Consumed.Any(m => m.MessageType == type), $"{messageName} was not consumed");
        var received = harness.Consumed.Select(m => m.MessageType == type).Single().MessageObject;
        Assert.NotSame(sent, received);
        Assert.Equal(JsonSerializer.Serialize(sent, type, Canonical), JsonSerializer.Serialize(received, type, Canonical));
    }

    [Fact]
    public void Sample_messages_differ_when_a_field_differs()
    {
        // Guards the comparison above: two samples built from different seeds must not compare equal.
        var a = JsonSerializer.Serialize(SampleMessages.Create(typeof(TrainingCompleted), seed: 1), Canonical);
        var b = JsonSerializer.Serialize(SampleMessages.Create(typeof(TrainingCompleted), seed: 2), Canonical);
        Assert.NotEqual(a, b);
    }

    private sealed class RecordingConsumer<T> : IConsumer<T> where T : class
    {
        public Task Consume(ConsumeContext<T> context) => Task.CompletedTask;
    }
}
