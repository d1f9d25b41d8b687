namespace FineTune.Evaluation;

/// <summary>The contract of the batched model functions the checks take: one result per input, in order.
/// A wrong count would silently pair scores with the wrong prompts, so it stops the check instead.</summary>
internal static class BatchContract
{
    public static void ExpectOnePerInput(int actual, int expected, string function)
    {
        if (actual != expected)
            throw new InvalidOperationException($"{function} returned {actual} results for {expected} inputs; it must return one per input, in order.");
    }
}
