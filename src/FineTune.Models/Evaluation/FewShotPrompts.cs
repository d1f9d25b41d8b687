using FineTune.Datasets;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Evaluation;

/// <summary>
/// k-shot prompts for held-out evaluation: a base model that never saw the task's format is shown k solved examples
/// before the question, so its score measures the task and not the format. The shots are the same for every record
/// scored with one seed (a fixed shuffle of the pool, skipping the record itself), so runs are reproducible and
/// records are compared on equal footing.
/// </summary>
public static class FewShotPrompts
{
    /// <summary>
    /// The messages to generate <paramref name="record"/>'s reply from: its leading system messages, then each shot's
    /// turns without its system messages (user and assistant, alternating as in the shot), then the record's own prompt
    /// turns. A pool entry with the same messages as the record is never a shot, so its reply cannot leak into its prompt.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    /// <exception cref="ArgumentException">The pool holds fewer than k records other than this one.</exception>
    public static IReadOnlyList<ChatMessage> Build(ChatRecord record, IReadOnlyList<ChatRecord> pool, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var prompt = record.Prompt;
        var system = prompt.TakeWhile(m => m.Role == ChatRoles.System).ToList();
        var messages = new List<ChatMessage>(system);
        foreach (var shot in Shots(record, pool, k, seed))
            messages.AddRange(shot.Messages.Where(m => m.Role != ChatRoles.System));
        messages.AddRange(prompt.Skip(system.Count));
        return messages;
    }

    private static List<ChatRecord> Shots(ChatRecord record, IReadOnlyList<ChatRecord> pool, int k, int seed)
    {
        if (k == 0) return [];
        int[] order = [.. Enumerable.Range(0, pool.Count)];
        new Random(seed).Shuffle(order);
        var shots = order.Select(i => pool[i]).Where(candidate => !SameConversation(candidate, record)).Take(k).ToList();
        if (shots.Count < k)
            throw new ArgumentException(
                $"k = {k} shots were asked for, but the pool holds only {shots.Count} records other than the one being prompted (line {record.Line}).",
                nameof(k));
        return shots;
    }

    private static bool SameConversation(ChatRecord a, ChatRecord b) =>
        ReferenceEquals(a, b) || a.Messages.SequenceEqual(b.Messages);
}
