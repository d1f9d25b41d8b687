using FineTune.AppHost.Hosting;

// The local suite, declared top to bottom as in Aspire: infrastructure, then services, then the gateway.
var builder = DistributedApplication.CreateBuilder(args);

var messaging = builder.AddRabbitMQ("messaging");
var cache = builder.AddRedis("cache");
var blobs = builder.AddAzurite("blobs");

// Services join here as they are built (issues #6–#12), each wired the Aspire way:
//   builder.AddProject("curation", "src/FineTune.Curation").WithReference(messaging).WithReference(blobs).WaitFor(messaging);

await builder.Build().RunAsync();
