using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>
/// Several adapters over one base model, by name: each checked against the base when it is added,
/// served as the base with that adapter merged in (built on first use, then kept), and unloaded by
/// name, which drops its merged copy. The base itself never changes, so any number of adapters can
/// come and go on it. A QLoRA adapter is merged into the dequantized 4-bit base it was trained on.
/// (To serve many adapters row by row in one batch without merging, see <see cref="ServingAdapter"/>.)
/// </summary>
public sealed class AdapterSet(LlamaModel baseModel, string? baseModelName = null)
{
    private readonly Dictionary<string, Entry> _adapters = new(StringComparer.Ordinal);

    private sealed record Entry(AdapterParameters Adapter, bool QuantizedBase)
    {
        public LlamaModel? Merged { get; set; }
    }

    public LlamaModel Base { get; } = baseModel;
    public IReadOnlyCollection<string> Names => _adapters.Keys;

    /// <summary>Loads a PEFT adapter folder; a mismatch with the base (shapes, base model name) is an error here, before anything runs.</summary>
    /// <param name="quantizedBase">The adapter was trained by QLoRA on the 4-bit base.</param>
    public void Load(string name, string folder, bool quantizedBase = false) =>
        Add(name, LoraAdapter.Load(folder, Base.Config, baseModelName), quantizedBase);

    public void Add(string name, LoraAdapter adapter, bool quantizedBase = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_adapters.ContainsKey(name)) throw new ArgumentException($"An adapter named '{name}' is already loaded; unload it first.", nameof(name));
        _adapters[name] = new Entry(new AdapterParameters(adapter, Base.Config), quantizedBase);
    }

    /// <summary>Drops the adapter and its merged weights; false when no adapter has that name.</summary>
    public bool Unload(string name) => _adapters.Remove(name);

    /// <summary>The model that answers for <paramref name="name"/>: the base for null, else the base with that adapter merged in.</summary>
    public LlamaModel ModelFor(string? name)
    {
        if (name is null) return Base;
        if (!_adapters.TryGetValue(name, out var entry))
            throw new KeyNotFoundException($"No adapter named '{name}' is loaded (loaded: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}).");
        return entry.Merged ??= AdapterMerge.Merge(entry.QuantizedBase ? new QuantizedBase(Base).Dequantized(Base) : Base, entry.Adapter);
    }
}
