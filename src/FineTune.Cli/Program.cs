using FineTune.Cli;
using Spectre.Console;

return await CliApp.CreateRootCommand(AnsiConsole.Console).Parse(args).InvokeAsync();
