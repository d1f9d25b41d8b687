using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class SamplingOptionsTests
{
    public static TheoryData<SamplingOptions, string, string> InvalidOptions => new()
    {
        { new SamplingOptions { Temperature = -0.5f }, "temperature", "got -0.5" },
        { new SamplingOptions { Temperature = float.NaN }, "temperature", "finite" },
        { new SamplingOptions { TopK = -1 }, "top_k", "got -1" },
        { new SamplingOptions { TopP = 0f }, "top_p", "(0, 1]" },
        { new SamplingOptions { TopP = 1.5f }, "top_p", "got 1.5" },
        { new SamplingOptions { MinP = -0.1f }, "min_p", "[0, 1]" },
        { new SamplingOptions { RepetitionPenalty = 0f }, "repetition_penalty", "> 0" },
        { new SamplingOptions { RepetitionPenalty = -1f }, "repetition_penalty", "got -1" },
        { new SamplingOptions { MaxNewTokens = 0 }, "max_new_tokens", "at least 1, got 0" },
        { new SamplingOptions { StopTokenIds = [2, -3] }, "stop_token_ids", "-3 at index 1" },
        { new SamplingOptions { StopSequences = ["ok", ""] }, "stop_sequences", "index 1" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validation_names_the_field_and_the_problem(SamplingOptions options, string field, string detail)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void The_sampler_validates_its_options()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sampler(new SamplingOptions { TopP = 2f }));
        Assert.Equal("top_p", error.ParamName);
    }

    [Fact]
    public void Defaults_and_boundary_values_are_valid()
    {
        new SamplingOptions().Validate();
        SamplingOptions.Greedy.Validate();
        new SamplingOptions { TopP = 1f, MinP = 0f, TopK = 0, MaxNewTokens = 1, Temperature = 0f }.Validate();
        Assert.True(SamplingOptions.Greedy.IsGreedy);
        Assert.False(new SamplingOptions().IsGreedy);
    }
}
