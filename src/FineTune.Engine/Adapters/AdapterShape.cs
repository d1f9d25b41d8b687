namespace FineTune.Engine.Adapters;

/// <summary>Length checks shared by the adapter layers, so each names the span that is wrong.</summary>
internal static class AdapterShape
{
    /// <summary>Checks the weights' and input's lengths against (C, OC, r) and returns the row count N.</summary>
    public static int Rows(int x, int w0, int a, int b, int inChannels, int outChannels, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        Require(w0, outChannels * inChannels, "w0");
        Require(a, rank * inChannels, "a");
        Require(b, outChannels * rank, "b");
        if (x % inChannels != 0) throw new ArgumentException($"x has {x} elements, not whole rows of {inChannels}.", "x");
        return x / inChannels;
    }

    public static void Require(int actual, int expected, string name)
    {
        if (actual != expected) throw new ArgumentException($"{name} has {actual} elements; expected {expected}.", name);
    }
}
