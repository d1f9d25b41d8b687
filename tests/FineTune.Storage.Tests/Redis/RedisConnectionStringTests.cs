using FineTune.Storage.Redis;

namespace FineTune.Storage.Tests.Redis;

public sealed class RedisConnectionStringTests
{
    [Fact]
    public void Parses_the_host_and_port_aspire_passes()
    {
        var options = RedisConnectionString.Parse("127.0.0.1:6390");
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(6390, options.Port);
        Assert.Null(options.Password);
        Assert.False(options.Ssl);
        Assert.Null(options.DefaultDatabase);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal("127.0.0.1:6390", options.Endpoint);
    }

    [Fact]
    public void Parses_every_supported_option_case_insensitively()
    {
        var options = RedisConnectionString.Parse(
            " cache.internal:6380 , Password=s3cr=t ,user=app,SSL=True,sslHost=cache.example.com,defaultDatabase=3,connectTimeout=250,name=worker-1,abortConnect=false,");
        Assert.Equal("cache.internal", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("s3cr=t", options.Password); // everything after the first '='
        Assert.Equal("app", options.User);
        Assert.True(options.Ssl);
        Assert.Equal("cache.example.com", options.SslHost);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ConnectTimeout);
        Assert.Equal("worker-1", options.ClientName);
    }

    [Theory]
    [InlineData("localhost", "localhost", 6379)]
    [InlineData("localhost,ssl=true", "localhost", 6380)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("::1", "::1", 6379)]
    public void Defaults_the_port_and_understands_ipv6(string connectionString, string host, int port)
    {
        var options = RedisConnectionString.Parse(connectionString);
        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
    }

    [Theory]
    [InlineData("127.0.0.1:abc", "port 'abc'")]
    [InlineData("127.0.0.1:0", "port '0'")]
    [InlineData("127.0.0.1:70000", "port '70000'")]
    [InlineData("", "empty")]
    [InlineData("password=x", "no endpoint")]
    [InlineData("a:1,b:2", "more than one endpoint")]
    [InlineData("a:1,ssl=yes", "'ssl'")]
    [InlineData("a:1,defaultDatabase=-1", "defaultDatabase")]
    [InlineData("a:1,connectTimeout=soon", "connectTimeout")]
    [InlineData("a:1,channelPrefix=x", "'channelPrefix'")]
    [InlineData(":6379", "no host")]
    public void Rejects_a_bad_part_and_names_it(string connectionString, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(connectionString));
        Assert.Contains(named, error.Message);
        Assert.Equal("connectionString", error.ParamName);
    }

    [Theory]
    [InlineData("127.0.0.1:bad,password=hunter2-secret")]
    [InlineData("a:1,b:2,password=hunter2-secret")]
    [InlineData("a:1,password=hunter2-secret,ssl=maybe")]
    [InlineData("a:1,password=hunter2-secret,=hunter2-secret")]
    [InlineData("password=hunter2-secret")]
    public void Never_echoes_the_password_in_errors(string connectionString)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConnectionString.Parse(connectionString));
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void ToString_masks_the_password()
    {
        var text = RedisConnectionString.Parse("h:1,password=hunter2-secret,defaultDatabase=2").ToString();
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("password=*****", text);
        Assert.Equal(2, RedisConnectionString.Parse(text.Replace("*****", "x", StringComparison.Ordinal)).DefaultDatabase);
    }
}
