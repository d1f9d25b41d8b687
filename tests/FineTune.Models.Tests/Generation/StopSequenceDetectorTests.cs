using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class StopSequenceDetectorTests
{
    private static string[] Released(StopSequenceDetector detector, params string[] pieces) =>
        pieces.Select(piece => detector.Append(piece).Text).ToArray();

    [Fact]
    public void A_stop_inside_one_piece_releases_the_text_before_it()
    {
        var detector = new StopSequenceDetector(["\n\nUser:"]);
        Assert.Equal(["Hello", " wor"], Released(detector, "Hello", " wor"));
        StopSequenceUpdate last = detector.Append("ld\n\nUser: more");
        Assert.Equal("ld", last.Text);
        Assert.Equal("\n\nUser:", last.StopSequence);
        Assert.Equal("Hello world", detector.ReleasedText);
    }

    [Fact]
    public void A_stop_split_across_pieces_is_held_back_then_dropped()
    {
        var detector = new StopSequenceDetector(["###"]);
        Assert.Equal(["a", "", ""], Released(detector, "a#", "#", "#b"));
        Assert.True(detector.Stopped);
        Assert.Equal("a", detector.ReleasedText);
    }

    [Fact]
    public void Held_text_is_released_once_it_cannot_become_a_stop()
    {
        var detector = new StopSequenceDetector(["###"]);
        Assert.Equal(["a", "", "##x"], Released(detector, "a#", "#", "x"));
        Assert.False(detector.Stopped);
        Assert.Equal("", detector.HeldText);
    }

    [Fact]
    public void Only_the_tail_that_can_still_start_a_stop_is_held()
    {
        // "aaa" can only continue into "aab" from its last two characters, so one "a" goes out.
        var detector = new StopSequenceDetector(["aab"]);
        Assert.Equal(["", "", "a"], Released(detector, "a", "a", "a"));
        Assert.Equal("aa", detector.HeldText);
        StopSequenceUpdate last = detector.Append("b");
        Assert.Equal(("", "aab"), (last.Text, last.StopSequence));
        Assert.Equal("a", detector.ReleasedText);
    }

    [Fact]
    public void Flush_releases_what_was_held_when_generation_ends_otherwise()
    {
        var detector = new StopSequenceDetector(["</answer>"]);
        Assert.Equal("done", detector.Append("done</ans").Text);
        Assert.Equal("</ans", detector.Flush());
        Assert.Equal("done</ans", detector.ReleasedText);
        Assert.Equal("", detector.Flush());
    }

    [Fact]
    public void The_stop_completing_first_wins_and_at_the_same_end_the_longest()
    {
        // "bc" completes at the third character while "abcd" would need a fourth.
        var first = new StopSequenceDetector(["abcd", "bc"]);
        Assert.Equal(("a", "bc"), Pair(first.Append("abcd")));
        // "c" and "abc" both complete at the last character; cutting at the longest keeps less.
        var longest = new StopSequenceDetector(["c", "abc"]);
        Assert.Equal(("x", "abc"), Pair(longest.Append("xabc")));

        static (string, string?) Pair(StopSequenceUpdate u) => (u.Text, u.StopSequence);
    }

    [Fact]
    public void Without_stops_everything_passes_straight_through()
    {
        var detector = new StopSequenceDetector([]);
        Assert.Equal(["ab", "c"], Released(detector, "ab", "c"));
        Assert.Equal("", detector.Flush());
    }

    [Fact]
    public void Appending_after_a_stop_and_empty_stops_are_errors()
    {
        var detector = new StopSequenceDetector(["x"]);
        detector.Append("x");
        Assert.Throws<InvalidOperationException>(() => detector.Append("y"));
        Assert.Throws<ArgumentException>(() => new StopSequenceDetector(["ok", ""]));
    }

    [Fact]
    public void Any_way_of_cutting_the_text_gives_the_brute_force_answer_and_holds_back_minimally()
    {
        string[] stops = ["#a#", "bb", "a##b", "ab#a"];
        var random = new Xoshiro256StarStar(2718);
        for (int trial = 0; trial < 300; trial++)
        {
            string text = new(Enumerable.Range(0, 1 + (int)(random.NextUInt64() % 14)).Select(_ => "ab#"[(int)(random.NextUInt64() % 3)]).ToArray());
            (string expectedText, string? expectedStop) = BruteForce(text, stops);

            var detector = new StopSequenceDetector(stops);
            int position = 0;
            while (position < text.Length && !detector.Stopped)
            {
                int length = 1 + (int)(random.NextUInt64() % 4);
                length = Math.Min(length, text.Length - position);
                detector.Append(text.Substring(position, length));
                position += length;
                if (detector.Stopped) break;
                // Released text never has to be taken back, and what is held could still begin a stop.
                string seen = text[..position];
                Assert.Equal(seen, detector.ReleasedText + detector.HeldText);
                Assert.StartsWith(detector.ReleasedText, expectedText);
                Assert.Equal(LongestHeldBruteForce(seen, stops), detector.HeldText.Length);
            }
            if (!detector.Stopped) detector.Flush();
            Assert.Equal(expectedText, detector.ReleasedText);
            Assert.Equal(expectedStop, detector.StopSequence);
        }
    }

    // Read the whole text one character at a time; the first stop to appear ends it.
    private static (string Text, string? Stop) BruteForce(string text, string[] stops)
    {
        for (int end = 1; end <= text.Length; end++)
        {
            string? hit = stops.Where(s => text[..end].EndsWith(s, StringComparison.Ordinal)).MaxBy(s => s.Length);
            if (hit is not null) return (text[..(end - hit.Length)], hit);
        }
        return (text, null);
    }

    private static int LongestHeldBruteForce(string seen, string[] stops)
    {
        int longest = 0;
        for (int start = 0; start < seen.Length; start++)
            if (stops.Any(s => s.Length > seen.Length - start && s.StartsWith(seen[start..], StringComparison.Ordinal)))
                longest = Math.Max(longest, seen.Length - start);
        return longest;
    }
}
