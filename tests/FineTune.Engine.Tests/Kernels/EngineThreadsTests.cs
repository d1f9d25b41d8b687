using FineTune.Engine.Kernels;

namespace FineTune.Engine.Tests.Kernels;

public class EngineThreadsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void UnsetMeansOnePerProcessor(string? value) =>
        Assert.Equal(Environment.ProcessorCount, EngineThreads.Parse(value));

    [Fact]
    public void AWholeNumberIsTaken() => Assert.Equal(3, EngineThreads.Parse("3"));

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-4")]
    public void AnythingElseNamesTheVariable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => EngineThreads.Parse(value));
        Assert.Contains(EngineThreads.EnvironmentVariable, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void CountBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineThreads.Count = 0);
}
