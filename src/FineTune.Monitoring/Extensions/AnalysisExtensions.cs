using FineTune.Monitoring.Analysis;
using FineTune.ServiceDefaults;

namespace FineTune.Monitoring.Extensions;

public static class AnalysisExtensions
{
    /// <summary>Drift against each version's reference profile, SLOs with burn-rate alerts, and the actions policies take on them.</summary>
    public static IHostApplicationBuilder AddAnalysis(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.ReadSettings<AnalysisSettings>(AnalysisSettings.Section);
        if (settings.EvaluationInterval < TimeSpan.Zero)
            throw new InvalidSettingException($"{AnalysisSettings.Section}:EvaluationInterval", $"{settings.EvaluationInterval} is negative; use e.g. 00:00:05, or 00:00:00 to turn the timer off.");
        builder.Services.AddSingleton(settings);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AnalysisMetrics>();
        builder.Services.AddSingleton<ReferenceProfiles>();
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<AnalysisService>();
        builder.Services.AddHostedService<EvaluationLoop>();
        return builder;
    }
}
