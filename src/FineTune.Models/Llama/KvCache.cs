namespace FineTune.Models.Llama;

/// <summary>
/// The keys and values one sequence has produced so far, per layer, laid out (capacity, NKV, D) so
/// attention reads a prefix of it directly. One cache per sequence lets sequences of different
/// lengths share a decode step (and lets a server add and drop sequences between steps).
/// </summary>
public sealed class KvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    public KvCache(LlamaConfig config, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        RowWidth = config.NumKeyValueHeads * config.HeadDim;
        _keys = new float[config.NumLayers][];
        _values = new float[config.NumLayers][];
        for (var l = 0; l < config.NumLayers; l++)
        {
            _keys[l] = new float[checked(capacity * RowWidth)];
            _values[l] = new float[capacity * RowWidth];
        }
    }

    /// <summary>Positions this cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled so far; the next token goes at this position.</summary>
    public int Length { get; internal set; }

    /// <summary>NKV·D floats per position.</summary>
    public int RowWidth { get; }

    public long Bytes => 2L * _keys.Length * Capacity * RowWidth * sizeof(float);

    internal float[] Keys(int layer) => _keys[layer];
    internal float[] Values(int layer) => _values[layer];

    /// <summary>Forgets every position, keeping the memory for the next sequence.</summary>
    public void Reset() => Length = 0;
}
