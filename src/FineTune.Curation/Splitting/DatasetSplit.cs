namespace FineTune.Curation.Splitting;

public enum DatasetSplit { Train, Validation, Test }

/// <summary>The share of examples each split should get; they must add up to 1.</summary>
public sealed record SplitFractions(double Train, double Validation, double Test)
{
    public static SplitFractions Default { get; } = new(0.8, 0.1, 0.1);

    public void Validate()
    {
        if (Train <= 0 || Validation < 0 || Test < 0 || Math.Abs(Train + Validation + Test - 1) > 1e-9)
            throw new ArgumentException($"Split fractions must be non-negative, train positive, and add up to 1; got {Train}/{Validation}/{Test}.");
    }
}
