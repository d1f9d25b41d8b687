using System.Net;
using FineTune.ServiceDefaults.Messaging;
using FineTune.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FineTune.ServiceDefaults.Tests.RabbitMq
{
    public sealed record ShipmentPacked(Guid ShipmentId);

    public sealed record InvoiceRaised(Guid InvoiceId);

    public sealed record LabelPrinted(Guid LabelId);

    public sealed record ParcelShipped(Guid ParcelId);

    namespace Registry
    {
        public sealed class ParcelShippedConsumer(MessagingProbe probe) : IConsumer<ParcelShipped>
        {
            public Task Consume(ConsumeContext<ParcelShipped> context)
            {
                probe.Hit($"registry:{context.Message.ParcelId}");
                return Task.CompletedTask;
            }
        }
    }

    namespace Evaluation
    {
        public sealed class ParcelShippedConsumer(MessagingProbe probe) : IConsumer<ParcelShipped>
        {
            public Task Consume(ConsumeContext<ParcelShipped> context)
            {
                probe.Hit($"evaluation:{context.Message.ParcelId}");
                return Task.CompletedTask;
            }
        }
    }

    public sealed class ShipmentPackedConsumer(MessagingProbe probe) : IConsumer<ShipmentPacked>
    {
        public Task Consume(ConsumeContext<ShipmentPacked> context)
        {
            probe.Hit($"packed:{context.Message.ShipmentId}");
            return Task.CompletedTask;
        }
    }

    /// <summary>Fails its first two attempts, then succeeds: immediate retries must carry it.</summary>
    public sealed class FlakyInvoiceConsumer(MessagingProbe probe) : IConsumer<InvoiceRaised>
    {
        public Task Consume(ConsumeContext<InvoiceRaised> context)
        {
            var attempt = probe.Hit($"attempt:{context.Message.InvoiceId}");
            if (attempt <= 2) throw new InvalidOperationException($"transient failure {attempt}");
            probe.Hit($"invoiced:{context.Message.InvoiceId}");
            return Task.CompletedTask;
        }
    }

    public sealed class BrokenLabelConsumer(MessagingProbe probe) : IConsumer<LabelPrinted>
    {
        public Task Consume(ConsumeContext<LabelPrinted> context)
        {
            probe.Hit($"label-attempt:{context.Message.LabelId}");
            throw new InvalidOperationException("printer on fire");
        }
    }

    public sealed class LabelFaultConsumer(MessagingProbe probe) : IConsumer<Fault<LabelPrinted>>
    {
        public Task Consume(ConsumeContext<Fault<LabelPrinted>> context)
        {
            probe.Hit($"label-fault:{context.Message.Message.LabelId}");
            return Task.CompletedTask;
        }
    }

    /// <summary>AddMessaging against a real RabbitMQ broker: two services, retries, dead letters, health.</summary>
    [Collection(RabbitMqFixture.Collection)]
    public sealed class RabbitMqMessagingSpecs(RabbitMqFixture rabbit)
    {
        private Dictionary<string, string?> Settings => new()
        {
            ["ConnectionStrings:messaging"] = rabbit.ConnectionString,
            ["Messaging:RetryLimit"] = "3",
            ["Messaging:RetryMinInterval"] = "00:00:00.050",
            ["Messaging:RetryMaxInterval"] = "00:00:00.200",
        };

        private async Task<WebApplication> StartService(MessagingProbe probe, Action<IBusRegistrationConfigurator> consumers, string applicationName = "FineTune.ServiceDefaults.Tests")
        {
            var builder = TestApp.CreateBuilder(Settings, applicationName).AddServiceDefaults();
            builder.Services.AddSingleton(probe);
            builder.AddMessaging(consumers);
            return await TestApp.StartAsync(builder);
        }

        [Fact]
        public async Task An_event_published_by_one_service_reaches_a_consumer_in_another()
        {
            var probe = new MessagingProbe();
            await using var consumerService = await StartService(probe, x => x.AddConsumer<ShipmentPackedConsumer>());
            await using var publisherService = await StartService(probe, _ => { });
            var id = Guid.NewGuid();

            await publisherService.Services.GetRequiredService<IPublishEndpoint>().Publish(new ShipmentPacked(id));

            await probe.WaitFor($"packed:{id}");
            Assert.Equal(1, probe.Count($"packed:{id}"));
            Assert.Equal(HttpStatusCode.OK, (await consumerService.GetTestClient().GetAsync("/health")).StatusCode);
            Assert.Equal(1u, await QueueDepthOrConsumers("service-defaults-tests-shipment-packed", consumers: true));
        }

        [Fact]
        public async Task Two_services_with_same_named_consumers_of_one_event_each_get_every_message()
        {
            // as the registry and evaluation both have a TrainingCompletedConsumer: one queue each, not one shared
            var probe = new MessagingProbe();
            await using var registry = await StartService(probe, x => x.AddConsumer<Registry.ParcelShippedConsumer>(), "FineTune.Registry");
            await using var evaluation = await StartService(probe, x => x.AddConsumer<Evaluation.ParcelShippedConsumer>(), "FineTune.Evaluation");
            var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();

            foreach (var id in ids) await registry.Services.GetRequiredService<IPublishEndpoint>().Publish(new ParcelShipped(id));

            foreach (var id in ids)
            {
                await probe.WaitFor($"registry:{id}");
                await probe.WaitFor($"evaluation:{id}");
            }
            Assert.All(ids, id => Assert.Equal((1, 1), (probe.Count($"registry:{id}"), probe.Count($"evaluation:{id}"))));
            Assert.Equal(1u, await QueueDepthOrConsumers("registry-parcel-shipped", consumers: true));
            Assert.Equal(1u, await QueueDepthOrConsumers("evaluation-parcel-shipped", consumers: true));
        }

        [Fact]
        public async Task A_transient_failure_is_retried_until_the_consumer_succeeds_once()
        {
            var probe = new MessagingProbe();
            await using var service = await StartService(probe, x => x.AddConsumer<FlakyInvoiceConsumer>());
            var id = Guid.NewGuid();

            await service.Services.GetRequiredService<IPublishEndpoint>().Publish(new InvoiceRaised(id));

            await probe.WaitFor($"invoiced:{id}");
            Assert.Equal(3, probe.Count($"attempt:{id}"));
            Assert.Equal(1, probe.Count($"invoiced:{id}"));
        }

        [Fact]
        public async Task A_message_that_always_fails_is_kept_in_the_error_queue_and_a_fault_is_published()
        {
            var probe = new MessagingProbe();
            await using var service = await StartService(probe, x =>
            {
                x.AddConsumer<BrokenLabelConsumer>();
                x.AddConsumer<LabelFaultConsumer>();
            });
            var id = Guid.NewGuid();

            await service.Services.GetRequiredService<IPublishEndpoint>().Publish(new LabelPrinted(id));

            await probe.WaitFor($"label-fault:{id}");
            Assert.Equal(4, probe.Count($"label-attempt:{id}")); // the first try and RetryLimit = 3 retries
            Assert.Equal(1u, await QueueDepthOrConsumers("service-defaults-tests-broken-label_error", consumers: false));
        }

        /// <summary>Asks the broker itself (passive declare) how many messages or consumers a queue has.</summary>
        private async Task<uint> QueueDepthOrConsumers(string queue, bool consumers)
        {
            var factory = new ConnectionFactory { Uri = new Uri(rabbit.ConnectionString) };
            await using var connection = await factory.CreateConnectionAsync();
            for (var i = 0; ; i++)
            {
                // The fault can arrive before the error transport has declared its queue, and a
                // passive declare of a missing queue closes the channel: a fresh channel each time.
                await using var channel = await connection.CreateChannelAsync();
                uint value;
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue);
                    value = consumers ? declared.ConsumerCount : declared.MessageCount;
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404 && i < 50)
                {
                    value = 0;
                }
                if (value > 0 || i == 50) return value;
                await Task.Delay(100);
            }
        }
    }
}
