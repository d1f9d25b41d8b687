namespace FineTune.EndToEnd.Tests;

/// <summary>Every spec runs against the one <see cref="Suite"/>, started once for the project.</summary>
[CollectionDefinition(Name)]
public sealed class SuiteCollection : ICollectionFixture<Suite>
{
    public const string Name = "suite";
}
