using FineTune.Curation.Apis;
using FineTune.Curation.Extensions;
using FineTune.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCurationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFilesApi();
app.MapDatasetsApi();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
