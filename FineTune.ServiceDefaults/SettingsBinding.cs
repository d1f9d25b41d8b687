using Microsoft.Extensions.Configuration;

namespace FineTune.ServiceDefaults;

public static class SettingsBinding
{
    /// <summary>Binds a settings section; a value of the wrong type stops start-up with an <see cref="InvalidSettingException"/> naming the section.</summary>
    public static T ReadSettings<T>(this IConfiguration configuration, string section) where T : new()
    {
        var settings = new T();
        try { configuration.GetSection(section).Bind(settings); }
        catch (InvalidOperationException e) { throw new InvalidSettingException(section, e.InnerException?.Message ?? e.Message); }
        return settings;
    }
}
