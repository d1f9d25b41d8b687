using FineTune.Monitoring.Pipeline;

namespace FineTune.Monitoring.Extensions;

public static class PipelineExtensions
{
    /// <summary>The pipeline view: runs from dataset to deployment, training curves, evaluations, the registry's aliases.</summary>
    public static IHostApplicationBuilder AddPipelineView(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PipelineMetrics>();
        builder.Services.AddSingleton<PipelineRecorder>();
        builder.Services.AddSingleton<PipelineReader>();
        builder.Services.AddSingleton<RegistryForwarder>();
        builder.Services.AddHttpClient(RegistryForwarder.ClientName);
        return builder;
    }
}
