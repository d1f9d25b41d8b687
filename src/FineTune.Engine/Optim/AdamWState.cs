namespace FineTune.Engine.Optim;

/// <summary>
/// What an <see cref="AdamW"/> needs to resume exactly: the first and second moments, packed
/// slice after slice in the order the slices were listed, and the number of steps taken.
/// </summary>
public sealed record AdamWState(float[] M, float[] V, int Step);
