using FineTune.Cli.Client;

namespace FineTune.Cli.Tests;

public sealed class SuiteClientSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>
{
    [Fact]
    public async Task A_training_file_that_names_no_dataset_version_fails_naming_the_field_and_the_status()
    {
        using var client = fixture.Client();

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.CreateJobAsync(new JobRequest { TrainingFile = "nowhere:9" }));

        Assert.Equal(400, error.Status);
        Assert.Equal("training_file", error.Field);
        Assert.StartsWith("training_file: ", error.Message);
        Assert.Contains("nowhere", error.Message);
        Assert.EndsWith("(400)", error.Message);
    }

    [Fact]
    public async Task The_cli_prints_the_suites_refusal_as_one_line_and_exits_with_1()
    {
        var (exit, output) = await fixture.RunAsync("jobs", "create", "--training-file", "nowhere:9", "--method", "lora");

        Assert.Equal(1, exit);
        Assert.Matches(@"error: training_file: .*nowhere.*\(400\)", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_registry_problem_is_read_from_its_problem_details()
    {
        using var client = fixture.Client();

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.GetModelAsync("no-such-model"));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Detail);
    }

    [Fact]
    public async Task A_wrong_api_key_is_refused_with_the_gateways_message()
    {
        using var client = new SuiteClient(fixture.Suite.GatewayUrl, "ft-not-a-key");

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.ListJobsAsync());

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task A_model_the_inference_service_does_not_know_is_an_error_naming_it()
    {
        using var client = fixture.Client();

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.ChatAsync("no-such-model", [new ChatTurn("user", "Hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message);
    }
}

public sealed class NoGatewaySpecs
{
    [Fact]
    public async Task Without_a_gateway_the_client_says_how_to_start_the_suite()
    {
        var address = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = new SuiteClient(address, "key");

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.ListJobsAsync());

        Assert.Equal(0, error.Status);
        Assert.Equal($"no FineTune gateway at {address}: start the suite (dotnet run --project FineTune.AppHost) or pass --gateway", error.Message);
    }

    [Fact]
    public async Task Without_a_gateway_the_sdk_calls_say_the_same()
    {
        var address = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = new SuiteClient(address, "key");

        var error = await Assert.ThrowsAsync<SuiteApiException>(() => client.ChatAsync("finetune-base", [new ChatTurn("user", "Hi")]));

        Assert.StartsWith($"no FineTune gateway at {address}", error.Message);
    }

    [Fact]
    public async Task The_cli_without_a_gateway_prints_the_message_and_exits_with_1()
    {
        var output = new StringWriter();
        var exit = await CliRunner.Run(output, "models", "list", "--gateway", $"http://127.0.0.1:{ClosedPort()}");

        Assert.Equal(1, exit);
        Assert.Contains("no FineTune gateway at http://127.0.0.1:", output.ToString());
        Assert.Contains("or pass --gateway", output.ToString());
    }

    [Fact]
    public async Task A_gateway_that_is_not_a_url_is_named()
    {
        var output = new StringWriter();
        var exit = await CliRunner.Run(output, "jobs", "list", "--gateway", "localhost-8080");

        Assert.Equal(1, exit);
        Assert.Contains("--gateway: 'localhost-8080' is not an http:// or https:// URL.", output.ToString());
    }

    // a port that was free a moment ago: nothing listens there
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
