using System.Net.Http.Headers;
using FineTune.LocalServers;
using FineTune.Storage.Artifacts.AzureBlob;

namespace FineTune.Storage.Tests.Artifacts;

/// <summary>The string to sign, checked against text written out by hand from the REST documentation; no server needed.</summary>
public sealed class AzureSharedKeySignerTests
{
    private readonly AzureSharedKeySigner _signer =
        new(AzuriteServer.AccountName, Convert.FromBase64String(AzuriteServer.AccountKey));

    [Fact]
    public void A_put_block_request_produces_the_documented_string_to_sign_and_signature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put,
            "http://127.0.0.1:10000/devstoreaccount1/my-container/dir%20a/b%C3%BC.txt?comp=block&blockid=QUJD%2BZA%3D%3D");
        request.Content = new ByteArrayContent("hello"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 02 Jun 2025 10:00:00 GMT");
        request.Headers.TryAddWithoutValidation("X-MS-Client-Request-Id", "42");
        request.Headers.TryAddWithoutValidation("x-ms-meta-sha256", "abc");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0x8D1\"");

        const string expected =
            "PUT\n" +
            "\n" +                    // Content-Encoding
            "\n" +                    // Content-Language
            "5\n" +                   // Content-Length
            "\n" +                    // Content-MD5
            "application/json\n" +    // Content-Type
            "\n" +                    // Date (x-ms-date is used instead)
            "\n" +                    // If-Modified-Since
            "\"0x8D1\"\n" +           // If-Match
            "\n" +                    // If-None-Match
            "\n" +                    // If-Unmodified-Since
            "\n" +                    // Range
            "x-ms-client-request-id:42\n" +
            "x-ms-date:Mon, 02 Jun 2025 10:00:00 GMT\n" +
            "x-ms-meta-sha256:abc\n" +
            "x-ms-version:2021-12-02\n" +
            // Azurite's path-style URL already starts with the account; the account is prepended anyway.
            "/devstoreaccount1/devstoreaccount1/my-container/dir%20a/b%C3%BC.txt\n" +
            "blockid:QUJD+ZA==\n" + // query values decoded
            "comp:block";
        Assert.Equal(expected, _signer.StringToSign(request));

        _signer.Sign(request);
        // HMAC-SHA256 of the text above with the Azurite key, computed independently (Python hmac).
        Assert.Equal("SharedKey devstoreaccount1:VeywiG/NvRCGzBKrLloyhmk3WY9YLaeH6er2IVXt9Kk=",
            string.Join(",", request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public void An_empty_body_signs_an_empty_length_and_query_parameters_are_lower_cased_sorted_and_grouped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            "https://acct.blob.core.windows.net/c?restype=container&comp=list&prefix=a%20b%2F&Include=metadata&include=copy");
        request.Content = new ByteArrayContent([]);
        request.Headers.TryAddWithoutValidation("x-ms-range", "bytes=0-9");

        var signer = new AzureSharedKeySigner("acct", new byte[] { 1, 2, 3 });

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-range:bytes=0-9\n" +
            "/acct/c\n" +
            "comp:list\n" +
            "include:copy,metadata\n" +
            "prefix:a b/\n" +
            "restype:container",
            signer.StringToSign(request));
    }

    [Fact]
    public void Signing_twice_replaces_the_authorization_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "http://127.0.0.1:1/devstoreaccount1/c/k");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 02 Jun 2025 10:00:00 GMT");

        _signer.Sign(request);
        _signer.Sign(request);

        Assert.Single(request.Headers.GetValues("Authorization"));
    }
}
