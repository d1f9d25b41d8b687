using FineTune.Monitoring.Apis;
using FineTune.Monitoring.Extensions;
using FineTune.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMonitoringServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPipelineApi();
app.MapAnalysisApi();
app.MapDashboard();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
