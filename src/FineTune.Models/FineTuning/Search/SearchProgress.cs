namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// A search's news for job events: a step of trial <see cref="Trial"/> of <see cref="TrialCount"/>
/// (<see cref="Training"/> set), or the trial's end (<see cref="Outcome"/> set).
/// </summary>
public sealed record SearchProgress(int Trial, int TrialCount, TrialSettings Settings, FineTuneProgress? Training, TrialResult? Outcome);
