using FineTune.Models.Generation;
using FineTune.Models.Llama;

namespace FineTune.Models.Tests.Llama;

public sealed class LlamaGeneratorSpecs
{
    private static readonly LlamaModel Model = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 11, std: 0.5f);

    [Fact]
    public void Greedy_generation_takes_the_argmax_of_a_full_forward_at_every_step()
    {
        int[] prompt = [1, 2, 3];
        var result = new LlamaGenerator(new InferenceSession(Model)).Generate([prompt], SamplingOptions.Greedy with { MaxNewTokens = 6 })[0];

        // recompute each step from scratch, without a cache
        var tokens = prompt.ToList();
        for (var i = 0; i < 6; i++)
        {
            var logits = LastLogits(tokens);
            var argmax = Array.IndexOf(logits, logits.Max());
            Assert.Equal(argmax, result.TokenIds[i]);
            tokens.Add(argmax);
        }
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public void A_batch_of_prompts_of_different_lengths_generates_what_each_does_alone()
    {
        int[][] prompts = [[1], [4, 5, 6, 7, 8], [9, 9]];
        var options = new SamplingOptions { Temperature = 0.8f, TopK = 10, Seed = 42, MaxNewTokens = 5 };
        var generator = new LlamaGenerator(new InferenceSession(Model));

        var together = generator.Generate(prompts, options);

        for (var s = 0; s < prompts.Length; s++)
        {
            // alone, a sequence must use the same random stream: the one of its index in the batch
            var alone = generator.Generate(Enumerable.Range(0, s + 1).Select(i => i == s ? prompts[s] : [1]).ToList(), options)[s];
            Assert.Equal(alone.TokenIds, together[s].TokenIds);
        }
    }

    [Fact]
    public void The_same_seed_repeats_and_another_seed_differs()
    {
        var generator = new LlamaGenerator(new InferenceSession(Model));
        var options = new SamplingOptions { Temperature = 1.5f, Seed = 7, MaxNewTokens = 12 };

        var first = generator.Generate([[1, 2]], options)[0].TokenIds;
        var again = generator.Generate([[1, 2]], options)[0].TokenIds;
        var other = generator.Generate([[1, 2]], options with { Seed = 8 })[0].TokenIds;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Every_token_is_streamed_in_order_and_a_stop_id_ends_the_sequence()
    {
        var generator = new LlamaGenerator(new InferenceSession(Model));
        var greedy = generator.Generate([[3]], SamplingOptions.Greedy with { MaxNewTokens = 8 })[0];
        var stopId = greedy.TokenIds[2];
        var streamed = new List<TokenEvent>();

        var result = generator.Generate([[3]], SamplingOptions.Greedy with { MaxNewTokens = 8, StopTokenIds = [stopId] },
            decode: id => $"<{id}>", onToken: streamed.Add)[0];

        var stopAt = greedy.TokenIds.ToList().IndexOf(stopId);
        Assert.Equal(greedy.TokenIds.Take(stopAt + 1), result.TokenIds);
        Assert.Equal(result.TokenIds, streamed.Select(e => e.TokenId));
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.True(streamed[^1].IsLast);
        Assert.Equal(string.Concat(greedy.TokenIds.Take(stopAt).Select(id => $"<{id}>")), result.Text);
    }

    [Fact]
    public void A_prompt_with_an_id_outside_the_vocabulary_is_refused_naming_it()
    {
        var generator = new LlamaGenerator(new InferenceSession(Model));

        var error = Assert.Throws<ArgumentException>(() => generator.Generate([[1], [2, 99]], SamplingOptions.Greedy));

        Assert.Contains("Prompt 1 holds token id 99", error.Message);
    }

    private static float[] LastLogits(List<int> tokens)
    {
        var session = new InferenceSession(Model);
        var logits = new float[Model.Config.VocabSize];
        session.Forward([new SequenceStep(session.NewCache(tokens.Count), tokens.ToArray())], logits);
        return logits;
    }
}
