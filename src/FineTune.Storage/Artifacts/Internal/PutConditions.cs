namespace FineTune.Storage.Artifacts.Internal;

/// <summary>
/// What <see cref="PutOptions"/> and a delete's If-Match mean, written once: HTTP's strong
/// comparison (RFC 9110 §13.1). Azure evaluates them on the server; the file-system store evaluates
/// them here, under its lock. Both use the same validation and the same wording in errors.
/// </summary>
internal static class PutConditions
{
    /// <summary>Rejects values that cannot travel as an HTTP header, so both stores refuse the same input.</summary>
    public static PutOptions Validate(PutOptions? options)
    {
        options ??= new PutOptions();
        CheckHeaderValue(options.ContentType, nameof(PutOptions.ContentType));
        if (options.IfMatch is { } ifMatch) CheckHeaderValue(ifMatch, nameof(PutOptions.IfMatch));
        if (options.IfNoneMatch is { } ifNoneMatch) CheckHeaderValue(ifNoneMatch, nameof(PutOptions.IfNoneMatch));
        return options;
    }

    public static void ValidateIfMatch(string? ifMatch)
    {
        if (ifMatch is not null) CheckHeaderValue(ifMatch, "ifMatch");
    }

    /// <summary>True when a write may replace an object whose current ETag is <paramref name="currentETag"/> (null: absent).</summary>
    public static bool Hold(PutOptions options, string? currentETag) =>
        IfMatchHolds(options.IfMatch, currentETag) &&
        (options.IfNoneMatch is not { } none || currentETag is null || (none != "*" && none != currentETag));

    /// <summary>If-Match: "*" needs the object to exist; an ETag needs it to be exactly that version.</summary>
    public static bool IfMatchHolds(string? ifMatch, string? currentETag) =>
        ifMatch is null || (currentETag is not null && (ifMatch == "*" || ifMatch == currentETag));

    /// <summary>The condition as the error message names it: <c>If-Match "0x8D…"</c>.</summary>
    public static string Describe(PutOptions options) =>
        string.Join(" and ", new[]
        {
            options.IfMatch is { } m ? $"If-Match {m}" : null,
            options.IfNoneMatch is { } n ? $"If-None-Match {n}" : null,
        }.OfType<string>());

    public static bool IsConditional(PutOptions options) => options.IfMatch is not null || options.IfNoneMatch is not null;

    private static void CheckHeaderValue(string value, string name)
    {
        if (value.Length == 0) throw new ArgumentException($"{name} must not be empty.", name);
        if (value.Any(c => c is < ' ' or > '~'))
            throw new ArgumentException($"{name} may contain only printable ASCII characters.", name);
    }
}
