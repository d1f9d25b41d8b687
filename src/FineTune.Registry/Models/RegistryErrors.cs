namespace FineTune.Registry.Models;

/// <summary>A model or version that does not exist (404).</summary>
public sealed class UnknownModelException(string message) : Exception(message);

/// <summary>A request that would break a rule — promoting a version that failed its gate, rolling back with no earlier version (422 / 409).</summary>
public sealed class RegistryRuleException(string message, string code) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Someone changed the alias between this request's read and its write (409): read again and decide again.</summary>
public sealed class AliasConflictException(string message) : Exception(message);
