using FineTune.AppHost.Hosting;

// The local suite, declared top to bottom as in Aspire: infrastructure, then services, then the gateway.
// Declaration order is start order, and each service starts only once what it references is ready.
var builder = DistributedApplication.CreateBuilder(args);

var messaging = builder.AddRabbitMQ("messaging");
builder.AddRedis("cache"); // inference's result cache and the gateway's rate limits will reference it
var artifacts = builder.AddAzurite("artifacts");

builder.AddProject("curation", "src/FineTune.Curation")
    .WithReference(messaging)
    .WithReference(artifacts);

builder.AddProject("training", "src/FineTune.Training")
    .WithReference(messaging)
    .WithReference(artifacts);

builder.AddProject("evaluation", "src/FineTune.Evaluation")
    .WithReference(messaging)
    .WithReference(artifacts);

builder.AddProject("registry", "src/FineTune.Registry")
    .WithReference(messaging)
    .WithReference(artifacts);

builder.AddProject("inference", "src/FineTune.Inference")
    .WithReference(messaging)
    .WithReference(artifacts);

// Services join here as they are built (issues #11–#12).

await builder.Build().RunAsync();
