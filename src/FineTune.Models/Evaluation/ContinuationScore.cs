namespace FineTune.Models.Evaluation;

/// <summary>
/// The model's log-probability of one continuation given its prompt: the number multiple-choice evaluation compares
/// across candidate answers (the sum for likelihood, the mean to not favour short answers).
/// </summary>
/// <param name="LogProbability">Sum over the continuation's tokens of log p(token | everything before it), in nats; at most 0.</param>
/// <param name="MeanLogProbability"><paramref name="LogProbability"/> divided by <paramref name="Tokens"/>.</param>
/// <param name="Tokens">How many tokens the continuation encodes to.</param>
public sealed record ContinuationScore(double LogProbability, double MeanLogProbability, int Tokens);
