using FineTune.LocalServers;
using FineTune.Storage.Artifacts.AzureBlob;

namespace FineTune.Storage.Tests.Artifacts;

public sealed class AzureStorageConnectionStringTests
{
    private const string Key = AzuriteServer.AccountKey;

    [Fact]
    public void Parses_the_connection_string_aspire_passes_for_azurite()
    {
        var parsed = AzureStorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:10123/devstoreaccount1;");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(Convert.FromBase64String(Key), parsed.AccountKey.ToArray());
        Assert.Equal("http://127.0.0.1:10123/devstoreaccount1", parsed.BlobEndpoint.AbsoluteUri);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prodacct;AccountKey=" + Key + ";EndpointSuffix=core.windows.net", "https://prodacct.blob.core.windows.net/")]
    [InlineData("AccountName=prodacct;AccountKey=" + Key, "https://prodacct.blob.core.windows.net/")]
    [InlineData("defaultendpointsprotocol=HTTP; accountname = prodacct ;accountkey=" + Key + ";endpointsuffix=core.chinacloudapi.cn", "http://prodacct.blob.core.chinacloudapi.cn/")]
    [InlineData("AccountName=prodacct;AccountKey=" + Key + ";BlobEndpoint=https://custom.example.com/", "https://custom.example.com/")]
    [InlineData("AccountName=prodacct;AccountKey=" + Key + ";QueueEndpoint=https://q.example.com;TableEndpoint=https://t.example.com", "https://prodacct.blob.core.windows.net/")]
    public void Derives_the_blob_endpoint(string connectionString, string endpoint)
    {
        var parsed = AzureStorageConnectionString.Parse(connectionString);
        Assert.Equal("prodacct", parsed.AccountName);
        Assert.Equal(endpoint, parsed.BlobEndpoint.AbsoluteUri);
    }

    [Fact]
    public void Use_development_storage_means_azurites_default_account()
    {
        var parsed = AzureStorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(Convert.FromBase64String(Key), parsed.AccountKey.ToArray());
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", parsed.BlobEndpoint.AbsoluteUri);
    }

    [Theory]
    [InlineData("AccountKey=" + Key, "AccountName is missing")]
    [InlineData("AccountName=;AccountKey=" + Key, "AccountName is missing")]
    [InlineData("AccountName=acct", "AccountKey is missing")]
    [InlineData("AccountName=acct;AccountKey=not*base64!", "AccountKey is not valid base64")]
    [InlineData("", "empty")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol 'ftp'")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=not a url", "BlobEndpoint")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=a/b", "EndpointSuffix")]
    [InlineData("AccountName=acct;AccountName=other;AccountKey=" + Key, "AccountName is given more than once")]
    [InlineData("AccountName=my-acct;AccountKey=" + Key, "AccountName 'my-acct'")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage")]
    [InlineData("AccountName=acct;SharedAccessSignature=sv=2021", "SharedAccessSignature is not supported")]
    [InlineData("AccountName=acct;AccountKey" + Key, "AccountKey is missing")] // '=' forgotten: the key is an unknown setting's name
    [InlineData("AccountName=acct;" + Key, "AccountKey is missing")]
    [InlineData("AccountName=acct;justtext;AccountKey=" + Key, "a part of 8 characters is not of the form Name=Value")]
    public void Rejects_a_bad_string_naming_the_setting_and_never_echoing_the_key(string connectionString, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => AzureStorageConnectionString.Parse(connectionString));

        Assert.Contains(named, error.Message);
        Assert.Equal("connectionString", error.ParamName);
        Assert.DoesNotContain(Key, error.Message);
        Assert.DoesNotContain("not*base64!", error.Message);
        Assert.DoesNotContain(Key[..20], error.Message);
    }

    [Fact]
    public void To_string_masks_the_key()
    {
        var parsed = AzureStorageConnectionString.Parse($"AccountName=acct;AccountKey={Key}");

        Assert.Equal("AccountName=acct;AccountKey=*****;BlobEndpoint=https://acct.blob.core.windows.net", parsed.ToString());
    }
}
