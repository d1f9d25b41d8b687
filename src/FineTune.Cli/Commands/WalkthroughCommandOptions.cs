using System.CommandLine;
using FineTune.Cli.Walkthrough;

namespace FineTune.Cli.Commands;

/// <summary>The walkthrough's options as command-line options, for every command that runs it (<c>demo</c>, <c>run</c>).</summary>
internal static class WalkthroughCommandOptions
{
    private static readonly WalkthroughOptions Defaults = new();

    public static readonly Option<string> Data = new("--data") { Description = "Raw data file to walk through the pipeline.", DefaultValueFactory = _ => Defaults.DataFile };
    public static readonly Option<string> Method = new("--method") { Description = "lora, qlora, dora, full or hft.", DefaultValueFactory = _ => Defaults.Method };
    public static readonly Option<string?> Name = new("--name") { Description = "Dataset and registered model name (default: from the data file's name)." };
    public static readonly Option<string> BaseModel = new("--base-model") { DefaultValueFactory = _ => Defaults.BaseModel };
    public static readonly Option<int> Epochs = new("--epochs") { DefaultValueFactory = _ => Defaults.Epochs };
    public static readonly Option<int> MaxSteps = new("--max-steps") { DefaultValueFactory = _ => Defaults.MaxSteps };
    public static readonly Option<double?> LearningRate = new("--learning-rate") { Description = "Peak learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
    public static readonly Option<int> Prompts = new("--prompts") { Description = "Held-out questions to ask both models.", DefaultValueFactory = _ => Defaults.HeldOutPrompts };

    public static IEnumerable<Option> All => [Data, Method, Name, BaseModel, Epochs, MaxSteps, LearningRate, Prompts];

    public static WalkthroughOptions Read(ParseResult parse) => new()
    {
        DataFile = parse.GetValue(Data)!,
        Method = parse.GetValue(Method)!,
        ModelName = parse.GetValue(Name),
        BaseModel = parse.GetValue(BaseModel)!,
        Epochs = parse.GetValue(Epochs),
        MaxSteps = parse.GetValue(MaxSteps),
        LearningRate = parse.GetValue(LearningRate),
        HeldOutPrompts = parse.GetValue(Prompts),
    };
}
