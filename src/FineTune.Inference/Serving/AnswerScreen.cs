using FineTune.Datasets.Safety;

namespace FineTune.Inference.Serving;

/// <summary>
/// The safety screen the evaluation gate uses, run on every served answer so monitoring sees each
/// version's rate of unsafe and refused outputs in production, not only on the red-team set.
/// A request is flagged when any of its choices is unsafe, and refused when any choice refuses.
/// </summary>
public static class AnswerScreen
{
    public static (bool Flagged, bool Refused) Screen(string prompt, IEnumerable<string> answers)
    {
        var verdicts = answers.Select(answer => LexiconSafetyScreen.Default.Screen(prompt, answer)).ToList();
        return (verdicts.Any(v => v.Unsafe), verdicts.Any(v => v.Refused));
    }
}
