using MassTransit;
using Microsoft.Extensions.Hosting;

namespace FineTune.ServiceDefaults.Messaging;

/// <summary>
/// Several services in one process on one bus — the whole suite in <c>finetune run</c>. MassTransit
/// allows one bus per container, so between <see cref="BeginComposedMessaging"/> and
/// <see cref="EndComposedMessaging"/> each service's <c>AddMessaging</c> only collects its consumers,
/// and the end registers one bus that has them all. Each service module stays exactly as it runs alone.
/// </summary>
public static class ComposedMessaging
{
    private static readonly object Key = typeof(ComposedMessaging);

    public static IHostApplicationBuilder BeginComposedMessaging(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.ContainsKey(Key)) throw new InvalidOperationException("Composed messaging has already begun on this builder.");
        builder.Properties[Key] = new List<Action<IBusRegistrationConfigurator>>();
        return builder;
    }

    public static IHostApplicationBuilder EndComposedMessaging(this IHostApplicationBuilder builder)
    {
        if (!builder.Properties.Remove(Key, out var collected)) throw new InvalidOperationException("EndComposedMessaging without BeginComposedMessaging.");
        var consumers = (List<Action<IBusRegistrationConfigurator>>)collected!;
        return builder.AddBus(bus => consumers.ForEach(configure => configure(bus)), composed: true);
    }

    /// <summary>True when a composition is under way: the consumers are kept for its one bus.</summary>
    internal static bool Collect(IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureConsumers)
    {
        if (!builder.Properties.TryGetValue(Key, out var collected)) return false;
        if (configureConsumers is not null) ((List<Action<IBusRegistrationConfigurator>>)collected).Add(configureConsumers);
        return true;
    }
}
