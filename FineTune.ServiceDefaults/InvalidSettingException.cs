namespace FineTune.ServiceDefaults;

/// <summary>
/// A setting a service cannot start with. The message names the setting as it is written in
/// configuration (<c>ConnectionStrings:messaging</c>, env <c>ConnectionStrings__messaging</c>) and what is
/// wrong with it, and never echoes secrets.
/// </summary>
public sealed class InvalidSettingException(string setting, string problem)
    : Exception($"Setting '{setting}' (environment variable {setting.Replace(":", "__")}) is invalid: {problem}")
{
    public string Setting { get; } = setting;
}
