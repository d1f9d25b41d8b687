using FineTune.Datasets;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Models.Tests.Training;
using FineTune.Testing;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Tests.Evaluation;

public sealed class HeldOutEvaluationSpecs
{
    private static readonly ModelText Text = ModelText.Load(RepositoryFiles.PathOf("models", "finetune-base"));

    private static readonly LlamaModel Tiny = LlamaModel.CreateRandom(new LlamaConfig
    {
        VocabSize = Text.Tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 128,
    }, seed: 5, std: 0.3f);

    private static readonly ChatRecord[] Records =
    [
        .. Enumerable.Range(1, 5).Select(i => new ChatRecord(i, [new(ChatRoles.User, $"Question number {i}?"), new(ChatRoles.Assistant, $"answer {i}")])),
    ];

    [Fact]
    public void Replies_generated_together_equal_replies_generated_one_at_a_time()
    {
        IReadOnlyList<ChatMessage>[] prompts = [.. Records.Select(r => r.Prompt)];
        var together = HeldOutEvaluation.GenerateReplies(Tiny, Text, prompts, maxNewTokens: 6);

        Assert.Equal(prompts.Length, together.Count);
        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(Assert.Single(HeldOutEvaluation.GenerateReplies(Tiny, Text, [prompts[i]], maxNewTokens: 6)), together[i]);
    }

    [Fact]
    public void Predictions_are_the_replies_the_score_was_computed_from_in_record_order()
    {
        var (score, predictions) = HeldOutEvaluation.GenerateWithPredictions(Tiny, Text, Records, TaskKind.ExactMatch, maxNewTokens: 6);

        Assert.Equal(HeldOutEvaluation.GenerateReplies(Tiny, Text, [.. Records.Select(r => r.Prompt)], maxNewTokens: 6), predictions);
        Assert.Equal(Records.Length, score.Examples);
        double meanF1 = Records.Select((r, i) => TextMetrics.TokenF1(predictions[i], r.Reply)).Average();
        Assert.Equal(meanF1, score.TokenF1Mean!.Value, 12);
        Assert.Equal(score, HeldOutEvaluation.Generate(Tiny, Text, Records, TaskKind.ExactMatch, maxNewTokens: 6));
    }

    [Fact]
    public void A_prompt_builder_decides_what_each_record_is_answered_from()
    {
        IReadOnlyList<ChatMessage> FewShot(ChatRecord record) => FewShotPrompts.Build(record, Records, k: 2, seed: 1);
        var (_, predictions) = HeldOutEvaluation.GenerateWithPredictions(Tiny, Text, Records, TaskKind.ExactMatch, maxNewTokens: 6, prompt: FewShot);

        Assert.Equal(HeldOutEvaluation.GenerateReplies(Tiny, Text, [.. Records.Select(FewShot)], maxNewTokens: 6), predictions);
    }

    [Fact]
    public void Progress_counts_the_prompts_answered_after_each_batch()
    {
        var prompts = Enumerable.Repeat<IReadOnlyList<ChatMessage>>(Records[0].Prompt, HeldOutEvaluation.GenerationBatch + 3).ToList();
        var reports = new List<int>();
        HeldOutEvaluation.GenerateReplies(Tiny, Text, prompts, maxNewTokens: 1, progress: new InlineProgress<int>(reports.Add));

        Assert.Equal([HeldOutEvaluation.GenerationBatch, HeldOutEvaluation.GenerationBatch + 3], reports);
    }
}
