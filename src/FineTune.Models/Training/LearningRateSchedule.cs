namespace FineTune.Models.Training;

/// <summary>The shape of the learning-rate decay after warm-up.</summary>
public enum LearningRateDecay { Cosine, Linear }

/// <summary>Linear warm-up to the peak, then cosine or linear decay to <c>peak × minRatio</c> at the last step.</summary>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double MinRatio = 0.1,
    LearningRateDecay Decay = LearningRateDecay.Cosine)
{
    public double At(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        var remaining = Decay == LearningRateDecay.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return Peak * (MinRatio + (1 - MinRatio) * remaining);
    }
}
