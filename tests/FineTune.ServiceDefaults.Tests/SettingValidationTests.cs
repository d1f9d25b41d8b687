using FineTune.ServiceDefaults.Messaging;

namespace FineTune.ServiceDefaults.Tests;

public sealed class SettingValidationTests
{
    [Theory]
    [InlineData("localhost:5672")]
    [InlineData("http://guest:guest@localhost:5672")]
    [InlineData("amqp//localhost")]
    public void A_malformed_broker_address_stops_start_up_naming_the_setting(string value)
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = value });

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddMessaging());

        Assert.Equal("ConnectionStrings:messaging", error.Setting);
        Assert.Contains("ConnectionStrings__messaging", error.Message);
        Assert.Contains("AMQP URI", error.Message);
    }

    [Fact]
    public void The_broker_password_is_never_echoed()
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = "http://user:hunter2@host" });

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddMessaging());

        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Theory]
    [InlineData("Messaging:RetryLimit", "lots", "Messaging")]
    [InlineData("Messaging:RetryLimit", "-1", "Messaging:RetryLimit")]
    [InlineData("Messaging:ConcurrentMessageLimit", "0", "Messaging:ConcurrentMessageLimit")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon", "OTEL_EXPORTER_OTLP_PROTOCOL")]
    public void A_bad_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("OTEL_EXPORTER_OTLP_PROTOCOL", StringComparison.Ordinal))
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317";
        var builder = TestApp.CreateBuilder(settings);

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddServiceDefaults().AddMessaging());

        Assert.Equal(named, error.Setting);
        Assert.Contains(value, error.Message);
    }

    [Theory]
    [InlineData("amqp://guest:guest@127.0.0.1:5673/", "127.0.0.1", 5673, "/", false)]
    [InlineData("amqps://svc:p%40ss@broker.example:5671/prod", "broker.example", 5671, "prod", true)]
    [InlineData("amqp://rabbit", "rabbit", 5672, "/", false)]
    public void A_good_broker_address_is_understood(string value, string host, int port, string vhost, bool tls)
    {
        var address = RabbitMqAddress.Parse(value);

        Assert.Equal((host, (ushort)port, vhost, tls), (address.Host, address.Port, address.VirtualHost, address.UseTls));
        Assert.DoesNotContain("p@ss", address.ToString());
    }
}
