namespace FineTune.ServiceDefaults.Messaging;

/// <summary>Bus settings, from the <c>Messaging</c> section; the broker itself from <c>ConnectionStrings:messaging</c>.</summary>
public sealed class MessagingSettings
{
    public const string Section = "Messaging";
    public const string ConnectionStringName = "messaging";

    /// <summary>Immediate retries (exponential backoff) before a message is redelivered later or dead-lettered.</summary>
    public int RetryLimit { get; set; } = 5;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Delays of the second-level (delayed) redeliveries, after the immediate retries are spent.
    /// The in-memory transport schedules them itself. RabbitMQ needs the delayed-message-exchange
    /// plugin, which Debian's RabbitMQ does not ship: there set <see cref="RabbitMqDelayedExchange"/>
    /// only where the plugin is enabled (the Azure image). Without it a failing message is retried
    /// while it stays unacknowledged on the broker — a crash returns it to the queue — and then moves
    /// to the endpoint's <c>_error</c> queue, never lost.
    /// </summary>
    public TimeSpan[] RedeliveryIntervals { get; set; } = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

    public bool RabbitMqDelayedExchange { get; set; }

    /// <summary>Messages a receive endpoint processes at once (also the RabbitMQ prefetch).</summary>
    public int ConcurrentMessageLimit { get; set; } = 8;

    /// <summary>
    /// Put before every queue a consumer gets by its class name, so two services that consume one event
    /// (the registry and evaluation both take TrainingCompleted) each get every message instead of
    /// sharing one queue; replicas of one service share theirs. Null: the service's name, from its
    /// application name (FineTune.Registry → <c>registry</c>). Queues named explicitly (commands such as
    /// <c>start-training</c>) keep their names.
    /// </summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>FineTune.Registry → registry, FineTune.ServiceDefaults.Tests → service-defaults-tests.</summary>
    public static string PrefixFor(string applicationName)
    {
        var name = applicationName.StartsWith("FineTune.", StringComparison.Ordinal) ? applicationName["FineTune.".Length..] : applicationName;
        return System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z0-9])(?=[A-Z])", "-").Replace('.', '-').ToLowerInvariant();
    }
}
