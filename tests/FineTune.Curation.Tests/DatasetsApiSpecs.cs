using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI.Files;

namespace FineTune.Curation.Tests;

/// <summary>The dataset API on the embedded hosting: curate a version from an uploaded file, read it back, and every refusal as problem details.</summary>
public sealed class DatasetsApiSpecs : IClassFixture<DatasetsApiSpecs.Uploaded>
{
    /// <summary>One service with the raw review sample uploaded, shared by the class.</summary>
    public sealed class Uploaded : IAsyncLifetime
    {
        public CurationApp App { get; } = new();
        public string FileId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await using var raw = File.OpenRead(RawSamples.File("product_reviews"));
            FileId = (await App.OpenAiFiles().UploadFileAsync(raw, "reviews.jsonl", FileUploadPurpose.FineTune)).Value.Id;
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly HttpClient _client;
    private readonly string _fileId;

    public DatasetsApiSpecs(Uploaded uploaded) => (_client, _fileId) = (uploaded.App.CreateClient(), uploaded.FileId);

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Curating_an_upload_makes_a_version_whose_card_report_and_splits_can_be_read_and_asking_again_returns_it()
    {
        var created = await _client.PostAsJsonAsync("/api/datasets/reviews/versions", new { file_ids = new[] { _fileId }, options = new { seed = 3, balance = "class_weights" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var manifest = await Json(created);
        var version = manifest.GetProperty("version").GetInt32();
        Assert.Equal($"/api/datasets/reviews/versions/{version}", created.Headers.Location!.OriginalString);
        Assert.Equal(64, manifest.GetProperty("sha256").GetString()!.Length);
        Assert.Equal("chat", manifest.GetProperty("task_type").GetString());
        Assert.Equal(3, manifest.GetProperty("class_weights").EnumerateObject().Count());

        var train = await _client.GetStringAsync($"/api/datasets/reviews/versions/{version}/files/train");
        Assert.Equal(manifest.GetProperty("train").GetProperty("records").GetInt64(), train.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var card = JsonDocument.Parse(await _client.GetStringAsync($"/api/datasets/reviews/versions/{version}/card")).RootElement;
        Assert.True(card.GetProperty("leakage_check_passed").GetBoolean());
        Assert.Equal(2556, card.GetProperty("steps")[0].GetProperty("records_in").GetInt64());
        Assert.True(card.GetProperty("reference").GetProperty("prompt_token_frequencies").GetProperty("top").GetArrayLength() > 100);

        var report = JsonDocument.Parse(await _client.GetStringAsync($"/api/datasets/reviews/versions/{version}/report")).RootElement;
        Assert.Equal(12, report.GetProperty("rejected_lines").GetArrayLength());
        Assert.Equal("reviews.jsonl", report.GetProperty("rejected_lines")[0].GetProperty("file").GetString());

        var again = await _client.PostAsJsonAsync("/api/datasets/reviews/versions", new { file_ids = new[] { _fileId }, options = new { seed = 3, balance = "class_weights" } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(version, (await Json(again)).GetProperty("version").GetInt32());

        var listed = JsonDocument.Parse(await _client.GetStringAsync("/api/datasets")).RootElement;
        Assert.Contains(listed.EnumerateArray(), d => d.GetProperty("name").GetString() == "reviews");
    }

    [Fact]
    public async Task A_setting_out_of_range_is_a_400_naming_the_setting()
    {
        var response = await _client.PostAsJsonAsync("/api/datasets/reviews/versions", new { file_ids = new[] { _fileId }, options = new { near_duplicate_threshold = 1.5 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json(response);
        Assert.Equal("near_duplicate_threshold", problem.GetProperty("setting").GetString());
        Assert.Contains("1.5", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Too_many_bad_lines_for_the_runs_error_rate_is_a_422_listing_each_line_and_field()
    {
        var response = await _client.PostAsJsonAsync("/api/datasets/strict/versions", new { file_ids = new[] { _fileId }, options = new { max_error_rate = 0.001 } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await Json(response);
        Assert.Equal(12, problem.GetProperty("error_count").GetInt32());
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.TryGetProperty("field", out var field) && field.GetString() == "messages[1].role" && e.GetProperty("reason").GetString() == "missing role");
        Assert.All(errors, e => Assert.True(e.GetProperty("line").GetInt32() > 0));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/datasets/strict/versions/1")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_file_an_unknown_version_and_a_bad_name_are_problem_details()
    {
        var unknownFile = await _client.PostAsJsonAsync("/api/datasets/reviews/versions", new { file_ids = new[] { "file-nope" } });
        Assert.Equal(HttpStatusCode.NotFound, unknownFile.StatusCode);
        Assert.Equal("file-nope", (await Json(unknownFile)).GetProperty("file_id").GetString());

        var unknownVersion = await _client.GetAsync("/api/datasets/reviews/versions/999/card");
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Equal("application/problem+json", unknownVersion.Content.Headers.ContentType!.MediaType);

        var badName = await _client.PostAsJsonAsync("/api/datasets/Bad%20Name/versions", new { file_ids = new[] { _fileId } });
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal("dataset", (await Json(badName)).GetProperty("setting").GetString());
    }
}
