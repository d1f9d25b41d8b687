namespace FineTune.Models.FineTuning.Search;

/// <summary>How a search's trial ended.</summary>
public enum TrialStatus
{
    /// <summary>It trained to its last step (or its own early stopping ended it).</summary>
    Completed,
    /// <summary>The median stopping rule found it hopeless at an evaluation and stopped it there.</summary>
    Pruned,
    /// <summary>Its loss stopped being a finite number; <see cref="TrialResult.Error"/> says where.</summary>
    Failed,
}
