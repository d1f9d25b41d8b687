using System.Runtime.InteropServices;

namespace FineTune.Models.Generation;

/// <summary>
/// The bookkeeping of one sequence during generation, so the model's loop only runs the network:
/// per step it calls <see cref="SampleNext"/> with the logits row, decodes the id to its text piece,
/// and passes both to <see cref="Accept"/>, which applies stop ids, stop strings and the token limit
/// and returns the event to stream. Stop when <see cref="IsFinished"/>.
/// </summary>
public sealed class SequenceGeneration
{
    private readonly List<int> _tokens;          // prompt then generated, what the repetition penalty sees
    private readonly int[] _stopTokenIds;
    private readonly StopSequenceDetector _stopSequences;
    private readonly int _tokenLimit;
    private int? _stopTokenId;

    // Room reserved up front; a huge max_new_tokens must not reserve memory it may never use.
    private const int InitialGeneratedCapacity = 1024;

    /// <param name="options">Validated here.</param>
    /// <param name="promptTokens">The prompt's ids.</param>
    /// <param name="sequenceIndex">Position in the batch; also picks the sampler's random stream.</param>
    /// <param name="contextRemaining">
    /// How many tokens still fit in the model's context, if that is fewer than
    /// <see cref="SamplingOptions.MaxNewTokens"/>; reaching either limit ends with <see cref="FinishReason.Length"/>.
    /// </param>
    public SequenceGeneration(SamplingOptions options, ReadOnlySpan<int> promptTokens, int sequenceIndex = 0, int? contextRemaining = null)
    {
        Sampler = new Sampler(options, sequenceIndex);
        if (contextRemaining is < 1)
            throw new ArgumentOutOfRangeException(nameof(contextRemaining), contextRemaining,
                "the prompt leaves no room in the context window for a new token.");
        SequenceIndex = sequenceIndex;
        PromptTokenCount = promptTokens.Length;
        _tokenLimit = Math.Min(options.MaxNewTokens, contextRemaining ?? int.MaxValue);
        _tokens = new List<int>(promptTokens.Length + Math.Min(_tokenLimit, InitialGeneratedCapacity));
        _tokens.AddRange(promptTokens);
        _stopTokenIds = options.StopTokenIds.ToArray();
        _stopSequences = new StopSequenceDetector(options.StopSequences);
    }

    public int SequenceIndex { get; }
    public Sampler Sampler { get; }
    public int PromptTokenCount { get; }

    /// <summary>Prompt and generated ids so far.</summary>
    public ReadOnlySpan<int> Tokens => CollectionsMarshal.AsSpan(_tokens);

    public ReadOnlySpan<int> GeneratedTokens => Tokens[PromptTokenCount..];

    /// <summary>Text released so far (see <see cref="TokenEvent.Text"/>).</summary>
    public string Text => _stopSequences.ReleasedText;

    public FinishReason? FinishReason { get; private set; }

    public bool IsFinished => FinishReason is not null;

    /// <summary>Samples the next id from <paramref name="logits"/> (V), which is used as scratch.</summary>
    public int SampleNext(Span<float> logits)
    {
        ThrowIfFinished();
        return Sampler.Next(logits, Tokens);
    }

    /// <summary>
    /// Records the chosen id and its decoded text piece (the piece of a stop token is ignored) and
    /// returns the event to hand to the <see cref="TokenCallback"/>.
    /// </summary>
    public TokenEvent Accept(int tokenId, string textPiece)
    {
        ThrowIfFinished();
        ArgumentNullException.ThrowIfNull(textPiece);
        _tokens.Add(tokenId);
        string released;
        if (Array.IndexOf(_stopTokenIds, tokenId) >= 0)
        {
            _stopTokenId = tokenId;
            FinishReason = Generation.FinishReason.Stop;
            released = _stopSequences.Flush();
        }
        else
        {
            StopSequenceUpdate update = _stopSequences.Append(textPiece);
            released = update.Text;
            if (update.Stopped) FinishReason = Generation.FinishReason.Stop;
            else if (_tokens.Count - PromptTokenCount >= _tokenLimit)
            {
                FinishReason = Generation.FinishReason.Length;
                released += _stopSequences.Flush();
            }
        }
        return new TokenEvent(SequenceIndex, tokenId, released, FinishReason);
    }

    public GenerationResult ToResult()
    {
        if (FinishReason is not { } reason) throw new InvalidOperationException($"Sequence {SequenceIndex} has not finished.");
        return new GenerationResult
        {
            SequenceIndex = SequenceIndex,
            TokenIds = GeneratedTokens.ToArray(),
            Text = Text,
            FinishReason = reason,
            StopSequence = _stopSequences.StopSequence,
            StopTokenId = _stopTokenId,
            PromptTokenCount = PromptTokenCount,
        };
    }

    private void ThrowIfFinished()
    {
        if (IsFinished) throw new InvalidOperationException($"Sequence {SequenceIndex} has already finished ({FinishReason!.Value.ToOpenAiString()}).");
    }
}
