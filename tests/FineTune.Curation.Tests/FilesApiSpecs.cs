using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI.Files;

namespace FineTune.Curation.Tests;

/// <summary>The OpenAI-compatible files API, driven by OpenAI's own client where it can be.</summary>
public sealed class FilesApiSpecs
{
    private const string Chat = """{"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"It ships today."}]}""";

    private static MultipartFormDataContent Form(string content, string filename = "data.jsonl", string? purpose = "fine-tune")
    {
        var form = new MultipartFormDataContent();
        if (purpose is not null) form.Add(new StringContent(purpose), "purpose");
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(content)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", filename);
        return form;
    }

    private static async Task<JsonElement> Error(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

    [Fact]
    public async Task OpenAIs_client_uploads_lists_reads_downloads_and_deletes_a_file()
    {
        using var app = new CurationApp();
        var files = app.OpenAiFiles();
        var body = string.Join('\n', Enumerable.Repeat(Chat, 5));

        OpenAIFile uploaded = await files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), "support.jsonl", FileUploadPurpose.FineTune);

        Assert.StartsWith("file-", uploaded.Id);
        Assert.Equal("support.jsonl", uploaded.Filename);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), uploaded.SizeInBytes);
        Assert.Equal(FilePurpose.FineTune, uploaded.Purpose);
        Assert.Equal(uploaded.Id, (await files.GetFileAsync(uploaded.Id)).Value.Id);
        Assert.Contains((await files.GetFilesAsync()).Value, f => f.Id == uploaded.Id);
        Assert.Equal(body, (await files.DownloadFileAsync(uploaded.Id)).Value.ToString());

        Assert.True((await files.DeleteFileAsync(uploaded.Id)).Value.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => files.GetFileAsync(uploaded.Id));
        Assert.Equal(404, gone.Status);
        Assert.DoesNotContain((await files.GetFilesAsync()).Value, f => f.Id == uploaded.Id);
    }

    [Fact]
    public async Task A_file_with_too_many_bad_lines_is_refused_naming_line_and_field_and_is_not_kept()
    {
        using var app = new CurationApp();
        var client = app.CreateClient();
        var bad = """{"messages":[{"content":"hi"},{"role":"assistant","content":"hello"}]}""";

        var response = await client.PostAsync("/v1/files", Form(string.Join('\n', Chat, bad, Chat)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_file", error.GetProperty("code").GetString());
        Assert.Contains("data.jsonl:2, field 'messages[0].role': missing role", error.GetProperty("message").GetString());
        var list = JsonDocument.Parse(await client.GetStringAsync("/v1/files")).RootElement;
        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task A_few_bad_lines_are_accepted_and_announced_in_the_status_details()
    {
        using var app = new CurationApp(new Dictionary<string, string?> { ["Curation:MaxErrorRate"] = "0.5" });

        var response = await app.CreateClient().PostAsync("/v1/files", Form(string.Join('\n', Chat, "{\"messages\": [", Chat)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("file", file.GetProperty("object").GetString());
        Assert.Contains("1 bad line(s) will be left out", file.GetProperty("status_details").GetString());
        Assert.Contains("data.jsonl:2", file.GetProperty("status_details").GetString());
    }

    [Fact]
    public async Task An_upload_over_the_limit_gets_413_in_OpenAIs_shape_and_leaves_nothing_behind()
    {
        using var app = new CurationApp(new Dictionary<string, string?> { ["Curation:MaxUploadBytes"] = "2000" });
        var client = app.CreateClient();

        // no Content-Length up front: the limit must hold while the body streams
        var big = Form(string.Join('\n', Enumerable.Repeat(Chat, 100)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/files") { Content = new StreamContent(await big.ReadAsStreamAsync()) };
        request.Content.Headers.ContentType = big.Headers.ContentType;
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("file_too_large", error.GetProperty("code").GetString());
        Assert.Contains("2,000 bytes", error.GetProperty("message").GetString());
        Assert.Contains("Curation:MaxUploadBytes", error.GetProperty("message").GetString());
        var list = JsonDocument.Parse(await client.GetStringAsync("/v1/files")).RootElement;
        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("batch", "purpose")]
    [InlineData(null, "purpose")]
    public async Task A_wrong_or_missing_purpose_is_a_400_naming_the_field(string? purpose, string param)
    {
        using var app = new CurationApp();

        var response = await app.CreateClient().PostAsync("/v1/files", Form(Chat, purpose: purpose));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains("fine-tune", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_file_is_a_404_in_OpenAIs_shape()
    {
        using var app = new CurationApp();

        var response = await app.CreateClient().GetAsync("/v1/files/file-doesnotexist/content");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found_error", (await Error(response)).GetProperty("type").GetString());
    }
}
