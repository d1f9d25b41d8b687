using FineTune.AppHost.Hosting;

// The local suite, declared top to bottom as in Aspire: infrastructure, then services, then the gateway.
// Each resource starts once what it references (or waits for) is healthy; the rest start side by side.
var builder = DistributedApplication.CreateBuilder(args);

var messaging = builder.AddRabbitMQ("messaging");
var cache = builder.AddRedis("cache"); // inference's result cache and the gateway's shared rate limits
var artifacts = builder.AddAzurite("artifacts");

var curation = builder.AddProject("curation", "src/FineTune.Curation")
    .WithReference(messaging)
    .WithReference(artifacts);

var training = builder.AddProject("training", "src/FineTune.Training")
    .WithReference(messaging)
    .WithReference(artifacts);

var evaluation = builder.AddProject("evaluation", "src/FineTune.Evaluation")
    .WithReference(messaging)
    .WithReference(artifacts);

var registry = builder.AddProject("registry", "src/FineTune.Registry")
    .WithReference(messaging)
    .WithReference(artifacts);

var inference = builder.AddProject("inference", "src/FineTune.Inference")
    .WithReplicas(2) // the gateway balances across both; one may die and requests still succeed
    .WithReference(messaging)
    .WithReference(artifacts)
    .WithReference(cache);

// Drift, SLOs and the dashboard, from every service's events; promotes through the registry.
var monitoring = builder.AddProject("monitoring", "src/FineTune.Monitoring")
    .WithReference(messaging)
    .WithReference(artifacts)
    .WithReference(registry);

// The front door: API keys, rate limits (shared through the cache), routing and balancing across the services.
var gateway = builder.AddProject("gateway", "src/FineTune.Gateway")
    .WithApiKey(builder.ApiKey) // FINETUNE_API_KEY, or one generated into the data folder
    .WithReference(cache)
    .WithReference(curation)
    .WithReference(training)
    .WithReference(evaluation)
    .WithReference(registry)
    .WithReference(inference)
    .WithReference(monitoring);

var app = builder.Build();
if (app.Resources.Contains(gateway)) // not with --only that leaves it out
    app.ReadyLine = () => ReadyAnnouncement.Format(gateway.ConnectionString, builder.ApiKey.Value, app.DashboardUrl);
return await app.RunAsync();
