using FineTune.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.ServiceDefaults.Tests.InMemory
{
    public sealed record ReportRequested(Guid ReportId);

    public sealed record ReportWritten(Guid ReportId);

    /// <summary>Fails every immediate retry of the first delivery; succeeds once the message is redelivered later.</summary>
    public sealed class SlowStorageConsumer(MessagingProbe probe) : IConsumer<ReportRequested>
    {
        public async Task Consume(ConsumeContext<ReportRequested> context)
        {
            probe.Hit($"attempt:{context.Message.ReportId}");
            // Published before the failure: the outbox must hold it back until an attempt succeeds.
            await context.Publish(new ReportWritten(context.Message.ReportId));
            if (context.GetRedeliveryCount() == 0) throw new TimeoutException("storage is slow");
            probe.Hit($"done:{context.Message.ReportId}:redelivery-{context.GetRedeliveryCount()}");
        }
    }

    public sealed class ReportWrittenConsumer(MessagingProbe probe) : IConsumer<ReportWritten>
    {
        public Task Consume(ConsumeContext<ReportWritten> context)
        {
            probe.Hit($"written:{context.Message.ReportId}");
            return Task.CompletedTask;
        }
    }

    /// <summary>The embedded default: no broker configured, MassTransit's in-memory transport.</summary>
    public sealed class InMemoryMessagingSpecs
    {
        [Fact]
        public async Task After_immediate_retries_a_message_is_redelivered_later_and_the_outbox_publishes_once()
        {
            var probe = new MessagingProbe();
            var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
            {
                ["Messaging:RetryLimit"] = "2",
                ["Messaging:RetryMinInterval"] = "00:00:00.010",
                ["Messaging:RetryMaxInterval"] = "00:00:00.020",
                ["Messaging:RedeliveryIntervals:0"] = "00:00:00.300",
            }).AddServiceDefaults();
            builder.Services.AddSingleton(probe);
            builder.AddMessaging(x =>
            {
                x.AddConsumer<SlowStorageConsumer>();
                x.AddConsumer<ReportWrittenConsumer>();
            });
            await using WebApplication app = await TestApp.StartAsync(builder);
            var id = Guid.NewGuid();

            await app.Services.GetRequiredService<IPublishEndpoint>().Publish(new ReportRequested(id));

            await probe.WaitFor($"done:{id}:redelivery-1");
            await probe.WaitFor($"written:{id}");
            await Task.Delay(300); // room for a duplicate to show up, were the outbox not holding failed attempts back
            Assert.Equal(4, probe.Count($"attempt:{id}")); // 1 + 2 immediate retries, then 1 redelivery
            Assert.Equal(1, probe.Count($"written:{id}"));
        }
    }
}
