using FineTune.Registry.Apis;
using FineTune.Registry.Extensions;
using FineTune.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRegistryServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapModelsApi();
app.MapRegistryApi();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
