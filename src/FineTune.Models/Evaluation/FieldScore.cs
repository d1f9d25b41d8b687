namespace FineTune.Models.Evaluation;

/// <summary>
/// How well one generated JSON object reproduces a reference object, field by field, so that partially right
/// structured outputs earn partial credit instead of the all-or-nothing of string equality.
/// </summary>
/// <param name="ValidJson">Whether the prediction parsed as a JSON object; when false no field counts as correct.</param>
/// <param name="FieldsCorrect">Reference keys whose value the prediction reproduced.</param>
/// <param name="FieldCount">Number of distinct keys in the reference object.</param>
/// <param name="Fields">Correctness per reference key; keys only the prediction has are absent, since extra fields are not penalised.</param>
public sealed record FieldScore(bool ValidJson, int FieldsCorrect, int FieldCount, IReadOnlyDictionary<string, bool> Fields)
{
    /// <summary>
    /// Fraction of reference fields reproduced. An empty reference object has nothing to get wrong, so it scores
    /// 1 for any valid object and 0 for invalid output.
    /// </summary>
    public double Accuracy => FieldCount == 0 ? (ValidJson ? 1.0 : 0.0) : (double)FieldsCorrect / FieldCount;
}
