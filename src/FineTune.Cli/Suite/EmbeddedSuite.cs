using System.Security.Cryptography;
using FineTune.Curation.Apis;
using FineTune.Curation.Extensions;
using FineTune.Evaluation.Apis;
using FineTune.Evaluation.Extensions;
using FineTune.Gateway;
using FineTune.Gateway.Apis;
using FineTune.Gateway.Auth;
using FineTune.Gateway.Extensions;
using FineTune.Inference.Apis;
using FineTune.Inference.Extensions;
using FineTune.LocalServers;
using FineTune.Monitoring.Apis;
using FineTune.Monitoring.Extensions;
using FineTune.Registry.Apis;
using FineTune.Registry.Extensions;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Messaging;
using FineTune.Training.Apis;
using FineTune.Training.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.Cli.Suite;

/// <summary>
/// The whole suite in this process — the embedded default of <c>finetune run</c>: the six services'
/// own modules composed into one host on MassTransit's in-memory transport and one file-system
/// artifact store, and the gateway in front of it as its own host, holding a fresh key with every
/// scope. Clients use it exactly as they use the suite the AppHost starts: through the gateway.
/// </summary>
public sealed class EmbeddedSuite : IAsyncDisposable
{
    private readonly WebApplication _services;
    private readonly WebApplication _gateway;
    private readonly SuiteLog _log;

    private EmbeddedSuite(WebApplication services, WebApplication gateway, SuiteLog log, Uri gatewayUrl, string apiKey, string logFile)
    {
        _services = services;
        _gateway = gateway;
        _log = log;
        GatewayUrl = gatewayUrl;
        ApiKey = apiKey;
        LogFile = logFile;
    }

    /// <summary>http://127.0.0.1:port/ of the gateway.</summary>
    public Uri GatewayUrl { get; }

    /// <summary>A key with every scope, made for this run and never stored.</summary>
    public string ApiKey { get; }

    /// <summary>Where the services write their warnings and errors.</summary>
    public string LogFile { get; }

    public static async Task<EmbeddedSuite> StartAsync(EmbeddedSuiteOptions options, CancellationToken cancellationToken = default)
    {
        var store = Path.GetFullPath(options.StoreFolder);
        var logFile = Path.GetFullPath(options.LogFile ?? Path.Combine(store, "..", "suite.log"));
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var log = new SuiteLog(logFile);
        var servicesUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var gatewayUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var apiKey = "ft-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

        var settings = new Dictionary<string, string?>(options.Settings) { ["Storage:Path"] = store };
        foreach (var service in ServiceNames) settings[$"services:{service}:http:0"] = servicesUrl.ToString();
        settings["Gateway:Keys:embedded:Sha256"] = ApiKeyStore.Hash(apiKey);
        for (var i = 0; i < Scopes.OfKeys.Length; i++) settings[$"Gateway:Keys:embedded:Scopes:{i}"] = Scopes.OfKeys[i];

        var services = BuildServices(servicesUrl, settings, log);
        var gateway = BuildGateway(gatewayUrl, settings, log);
        try
        {
            await services.StartAsync(cancellationToken);
            await gateway.StartAsync(cancellationToken);
        }
        catch
        {
            await services.DisposeAsync();
            await gateway.DisposeAsync();
            log.Dispose();
            throw;
        }
        return new EmbeddedSuite(services, gateway, log, gatewayUrl, apiKey, logFile);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.StopAsync();
        await _services.StopAsync();
        await _gateway.DisposeAsync();
        await _services.DisposeAsync();
        _log.Dispose();
    }

    private static readonly string[] ServiceNames = ["curation", "training", "evaluation", "registry", "inference", "monitoring"];

    /// <summary>Every service's registrations and endpoints in one host, as each Program.cs does alone.</summary>
    private static WebApplication BuildServices(Uri url, IReadOnlyDictionary<string, string?> settings, SuiteLog log)
    {
        var builder = CreateBuilder("FineTune.Suite", url, settings, log);
        builder.BeginComposedMessaging();
        builder.AddCurationServices();
        builder.AddTrainingServices();
        builder.AddEvaluationServices();
        builder.AddRegistryServices();
        builder.AddInferenceServices();
        builder.AddMonitoringServices();
        builder.EndComposedMessaging();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapFilesApi();
        app.MapDatasetsApi();
        app.MapFineTuningApi();
        app.MapEvaluationApi();
        app.MapModelsApi();
        app.MapRegistryApi();
        app.MapCompletionsApi();
        app.MapLoadedModelsApi();
        app.MapPipelineApi();
        app.MapAnalysisApi();
        app.MapDashboard();
        return app;
    }

    private static WebApplication BuildGateway(Uri url, IReadOnlyDictionary<string, string?> settings, SuiteLog log)
    {
        var builder = CreateBuilder("FineTune.Gateway", url, settings, log);
        builder.AddGatewayServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGateway();
        return app;
    }

    /// <summary>
    /// A host with the service defaults, its settings, and logs to the suite's file instead of the
    /// console. The content root is this program's folder, where the gateway's appsettings.json (its
    /// routes) and the shipped base model are copied.
    /// </summary>
    private static WebApplicationBuilder CreateBuilder(string applicationName, Uri url, IReadOnlyDictionary<string, string?> settings, SuiteLog log)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls(url.ToString());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(log.For(applicationName));
        return builder;
    }
}
