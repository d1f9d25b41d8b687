using System.Text.Json;
using FineTune.Curation.Pipeline;
using FineTune.Datasets;

namespace FineTune.Curation.Tests;

/// <summary>The raw sample datasets go in noisy and come out cleaned, deduplicated, balanced and split without leakage.</summary>
public sealed class CurationPipelineSpecs
{
    private const string Reviews = "product_reviews";

    private static async Task<CurationOutcome> Curate(string task, CurationOptions options) =>
        await RawSamples.Pipeline().RunAsync([CurationSource.FromFile(RawSamples.File(task))], options);

    private static List<ChatRecord> Parse(IEnumerable<string> lines) =>
        [.. lines.Select((line, i) => (ChatRecord)TaskRecord.Parse(line, "out", i + 1))];

    [Fact]
    public async Task The_noisy_reviews_come_out_clean_deduplicated_redacted_stratified_and_without_leakage()
    {
        var outcome = await Curate(Reviews, new CurationOptions());
        var report = outcome.Report;

        // every malformed line, and only those, is rejected with its line number
        string[] malformed = ["malformed_empty_content", "malformed_invalid_utf8", "malformed_missing_role", "malformed_truncated_json"];
        Assert.Equal(malformed.SelectMany(k => RawSamples.Planted(Reviews, k)).Order(), report.RejectedLines.Select(p => p.Line).Order());

        // every planted exact and near duplicate is in a cluster (the copy may come before its original: then the copy is kept),
        // unless its original was itself damaged (a planted phone number, or a malformed line) and so is no longer its twin
        var clustered = report.ExactDuplicates.Concat(report.NearDuplicates).SelectMany(c => c.Duplicates.Append(c.Kept)).Select(d => d.Line).ToHashSet();
        var raw = File.ReadAllLines(RawSamples.File(Reviews));
        string[] damaging = ["pii", .. malformed];
        var damaged = damaging.SelectMany(k => RawSamples.Planted(Reviews, k)).ToHashSet();
        foreach (var line in RawSamples.Planted(Reviews, "exact_duplicate").Concat(RawSamples.Planted(Reviews, "near_duplicate")).Where(l => !clustered.Contains(l)))
        {
            var review = JsonDocument.Parse(raw[line - 1]).RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
            var twins = Enumerable.Range(1, raw.Length).Where(l => l != line && raw[l - 1].Contains($"\"content\": \"{review}", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.All(twins, twin => Assert.Contains(twin, damaged));
        }
        Assert.True(report.ExactDuplicates.Sum(c => c.Duplicates.Count) + report.NearDuplicates.Sum(c => c.Duplicates.Count) >= 144);

        var all = Parse([.. outcome.Train, .. outcome.Validation, .. outcome.Test]);
        var user = all.Select(r => r.Messages.Single(m => m.Role == "user").Content).ToList();
        Assert.DoesNotContain(user, u => u.Contains('<') || u.Contains("&amp;") || u.Contains("&nbsp;"));
        Assert.DoesNotContain(user, u => u != u.Trim() || u.Contains("  ") || u.Contains('\t'));
        Assert.DoesNotContain(user, u => u.Contains("@example.com"));
        Assert.Equal(RawSamples.Planted(Reviews, "pii:email").Count, report.PiiRedacted["Email"]);
        Assert.Equal(RawSamples.Planted(Reviews, "pii:phone").Count, report.PiiRedacted["Phone"]);

        // 2556 lines − 12 malformed − duplicates = what the splits hold, 80/10/10 within a few records
        Assert.Equal(2556, report.Steps[0].RecordsIn);
        var kept = report.Steps.Single(s => s.Step == "near_dedupe").RecordsOut;
        Assert.Equal(kept, all.Count);
        Assert.InRange(outcome.Train.Count, 0.8 * kept - 3, 0.8 * kept + 3);
        Assert.InRange(outcome.Test.Count, 0.1 * kept - 3, 0.1 * kept + 3);

        // stratified: each split keeps the 70/20/10 shares of positive/neutral/negative
        foreach (var split in new[] { outcome.Train, outcome.Validation, outcome.Test })
        {
            var replies = Parse(split).GroupBy(r => r.Reply).ToDictionary(g => g.Key, g => (double)g.Count() / split.Count);
            Assert.InRange(replies["positive"], 0.67, 0.73);
            Assert.InRange(replies["negative"], 0.08, 0.12);
        }
        Assert.True(report.LeakageCheckPassed);
        Assert.True(outcome.Card.LeakageCheckPassed);
        Assert.Equal(report.Steps.Single(s => s.Step == "exact_dedupe").Removed, outcome.Card.ExactDuplicatesRemoved);
    }

    [Theory]
    [InlineData("support_tickets")]
    [InlineData("clinical_notes")]
    [InlineData("product_reviews")]
    public async Task Every_raw_sample_comes_out_clean_deduplicated_balanced_and_split_without_leakage(string task)
    {
        var outcome = await Curate(task, new CurationOptions { Balance = BalanceMode.Oversample });

        Assert.Equal(12, outcome.Report.RejectedLines.Count);
        Assert.True(outcome.Report.ExactDuplicates.Count > 0 && outcome.Report.NearDuplicates.Count > 0);
        Assert.True(outcome.Report.RecordsChangedByCleaning > 0);
        Assert.True(outcome.Report.LeakageCheckPassed);
        Assert.All(new[] { outcome.Train, outcome.Validation, outcome.Test }, split => Assert.NotEmpty(split));
        Assert.DoesNotContain(outcome.Train.Concat(outcome.Test), line => line.Contains("<p>") || line.Contains("@example.com"));
        if (outcome.Card.Classes is { } classes) Assert.Equal(1.0, classes.ImbalanceRatioAfter);
        else Assert.NotEqual("product_reviews", task); // the reviews' replies are classes; the others' are free text
    }

    [Fact]
    public async Task Oversampling_balances_train_and_augmented_copies_are_marked_and_stay_in_train()
    {
        var outcome = await Curate(Reviews, new CurationOptions { Balance = BalanceMode.Oversample, Augment = true, AugmentCopies = 1 });

        var train = outcome.Train.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var counts = train.GroupBy(t => t.GetProperty("messages")[2].GetProperty("content").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Single(counts.Values.Distinct());
        Assert.Equal(1.0, outcome.Card.Classes!.ImbalanceRatioAfter);
        Assert.InRange(outcome.Card.Classes.ImbalanceRatioBefore, 6.5, 7.5);

        // augmentation came first: about one copy per original, and oversampling may copy a copy (it keeps its mark)
        var originals = outcome.Card.Steps.Single(s => s.Step == "augment").RecordsIn;
        Assert.InRange(outcome.Card.AugmentedRecords, 0.9 * originals, originals);
        Assert.True(train.Count(t => t.TryGetProperty("augmented_from", out _)) >= outcome.Card.AugmentedRecords);
        Assert.NotNull(outcome.Card.AugmentationSource);
        Assert.DoesNotContain(outcome.Validation.Concat(outcome.Test), line => line.Contains("augmented_from"));
        Assert.True(outcome.Report.LeakageCheckPassed);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_bytes_and_another_seed_another_split()
    {
        var first = await Curate(Reviews, new CurationOptions { Seed = 7, KFolds = 5 });
        var again = await Curate(Reviews, new CurationOptions { Seed = 7, KFolds = 5 });
        var other = await Curate(Reviews, new CurationOptions { Seed = 8, KFolds = 5 });

        Assert.Equal(first.Train, again.Train);
        Assert.Equal(first.Test, again.Test);
        Assert.Equal(first.TrainFolds, again.TrainFolds);
        Assert.NotEqual(first.Test, other.Test);
        Assert.Equal(first.Train.Count, first.TrainFolds!.Count);
        Assert.Equal(Enumerable.Range(0, 5), first.TrainFolds.Distinct().Order());
        Assert.All(first.TrainFolds.GroupBy(f => f), fold => Assert.InRange(fold.Count(), first.Train.Count / 5 - 5, first.Train.Count / 5 + 5));
    }

    [Fact]
    public async Task Abbreviations_are_expanded_on_request_and_the_card_holds_a_reference_profile()
    {
        var outcome = await Curate("clinical_notes", new CurationOptions { Abbreviations = ["medical"], CustomAbbreviations = new Dictionary<string, string> { ["pt"] = "the patient" } });

        Assert.True(outcome.Report.AbbreviationsExpanded > 1000, $"{outcome.Report.AbbreviationsExpanded} expansions");
        var user = Parse(outcome.Train).Select(r => r.Messages.Single(m => m.Role == "user").Content).ToList();
        Assert.DoesNotContain(user, u => System.Text.RegularExpressions.Regex.IsMatch(u, @"\b(pt|SOB|HTN)\b"));

        var reference = outcome.Card.Reference;
        Assert.Equal(outcome.Train.Count, reference.PromptTokens.Total);
        Assert.True(reference.PromptTokens.P50 > 10 && reference.PromptTokens.P50 <= reference.PromptTokens.P90);
        var frequencies = reference.PromptTokenFrequencies;
        Assert.Equal(RawSamples.Tokens.Name, frequencies.Tokenizer);
        Assert.Equal(1.0, frequencies.Top.Sum(t => t.Share) + frequencies.OtherShare, 9);
        Assert.True(frequencies.Top[0].Count >= frequencies.Top[^1].Count);
        Assert.Equal(outcome.Train.Count + outcome.Validation.Count + outcome.Test.Count, outcome.Card.TokenLengths.Values.Sum(d => d.Total));
    }

    [Fact]
    public async Task Filters_drop_by_length_and_language_and_list_every_line_they_dropped()
    {
        string Review(string text, string label) => JsonSerializer.Serialize(new { text, label });
        var lines = Enumerable.Range(0, 30).Select(i => Review($"Order {i}: the kettle number {i * 7919 % 1000} arrived late and the lid was broken when I opened the box", "negative"))
            .Append(Review("Der Wasserkocher ist sehr gut und ich bin mit dem Kauf zufrieden", "positive"))
            .Append(Review("Le produit est arrivé cassé et le service client ne répond pas", "negative"))
            .Append(Review("Great " + string.Join(' ', Enumerable.Repeat("value", 200)), "positive"));
        var source = new CurationSource("reviews.jsonl", _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)))));

        var outcome = await RawSamples.Pipeline().RunAsync([source], new CurationOptions { MaxCharacters = 500, Languages = ["en"], RemoveNearDuplicates = false });

        Assert.Equal([31, 32, 33], outcome.Report.FilteredLines.Select(p => p.Line));
        Assert.Contains("language 'de'", outcome.Report.FilteredLines[0].Reason);
        Assert.Contains("language 'fr'", outcome.Report.FilteredLines[1].Reason);
        Assert.Contains("500 characters", outcome.Report.FilteredLines[2].Reason);
        Assert.Equal(3, outcome.Report.Steps.Single(s => s.Step == "filter").Removed);
        Assert.Equal(30, outcome.Card.Languages["en"]);
    }

    [Fact]
    public async Task A_run_that_filters_everything_away_says_so()
    {
        var error = await Assert.ThrowsAsync<NotEnoughRecordsException>(() => Curate("support_tickets", new CurationOptions { MaxCharacters = 5 }));

        Assert.Contains("0 record(s) are left", error.Message);
    }

    [Fact]
    public async Task Too_many_bad_lines_reject_the_run_and_list_them()
    {
        var error = await Assert.ThrowsAsync<IngestionRejectedException>(() => Curate(Reviews, new CurationOptions { MaxErrorRate = 0.001 }));

        Assert.Equal(12, error.Problems.Count);
        Assert.Contains("12 of 2,556 lines are bad", error.Message);
        Assert.Contains("'max_error_rate'", error.Message);
    }

    [Fact]
    public async Task A_csv_with_a_column_mapping_is_curated_like_jsonl_and_its_bad_rows_are_listed_by_line_and_column()
    {
        var rows = new List<string> { "id,review,sentiment" };
        rows.AddRange(Enumerable.Range(0, 40).Select(i => $"{i},\"Item {i}: the lamp number {i * 7919 % 997} is bright, sturdy and well packed\",{(i % 4 == 0 ? "negative" : "positive")}"));
        rows.Add("41,\"\",positive");
        rows.Add("42,\"The review about the chair,\nthat spans two lines\",neutral");
        var csv = string.Join("\r\n", rows);
        var source = new CurationSource("reviews.csv", _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv))));

        var outcome = await RawSamples.Pipeline().RunAsync([source], new CurationOptions { ColumnMapping = "text=review,label=sentiment", MaxErrorRate = 0.1, RemoveNearDuplicates = false });

        var rejected = Assert.Single(outcome.Report.RejectedLines);
        Assert.Equal(("reviews.csv", 42, "review"), (rejected.File, rejected.Line, rejected.Field));
        Assert.Equal("classification", outcome.Report.TaskType);
        var all = outcome.Train.Concat(outcome.Validation).Concat(outcome.Test).Select(l => (ClassRecord)TaskRecord.Parse(l, "out", 1)).ToList();
        Assert.Equal(41, all.Count);
        Assert.Contains(all, r => r.Text == "The review about the chair,\nthat spans two lines" && r.Label == "neutral");
    }

    [Fact]
    public async Task A_csv_without_a_column_mapping_is_refused_naming_the_setting()
    {
        var source = new CurationSource("reviews.csv", _ => Task.FromResult<Stream>(new MemoryStream("text,label\r\nfine,positive"u8.ToArray())));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => RawSamples.Pipeline().RunAsync([source], new CurationOptions()));

        Assert.Equal("column_mapping", error.ParamName);
        Assert.Contains("'reviews.csv' is CSV", error.Message);
    }

    [Fact]
    public async Task Canaries_are_planted_in_train_only_and_listed_for_evaluation()
    {
        var outcome = await Curate("support_tickets", new CurationOptions { Canaries = 2, Seed = 5 });

        Assert.Equal(2, outcome.Canaries!.Count);
        Assert.Equal(FineTune.Datasets.Canaries.Canary.Make(2, 5), outcome.Canaries);
        foreach (var canary in outcome.Canaries)
        {
            var planted = Assert.Single(Parse(outcome.Train), r => r.Messages[0].Content == canary.Prompt);
            Assert.Equal(canary.Secret, planted.Reply);
            Assert.DoesNotContain(outcome.Validation.Concat(outcome.Test), line => line.Contains(canary.Secret));
        }
        var step = outcome.Report.Steps.Single(s => s.Step == "canaries");
        Assert.Equal(2, step.RecordsOut - step.RecordsIn);
    }
}
