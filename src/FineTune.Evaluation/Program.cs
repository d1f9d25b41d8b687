using FineTune.Evaluation.Apis;
using FineTune.Evaluation.Extensions;
using FineTune.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEvaluationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapEvaluationApi();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
