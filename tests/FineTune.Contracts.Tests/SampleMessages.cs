using System.Collections;
using System.Reflection;

namespace FineTune.Contracts.Tests;

/// <summary>
/// Builds a fully populated instance of any contract record by reflection, so every property (and
/// every nested record) takes part in the round trip. A new contract is covered without a new test.
/// </summary>
internal static class SampleMessages
{
    public static Type[] MessageTypes { get; } = typeof(DatasetCurated).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "FineTune.Contracts" && t.IsClass && !IsValueRecord(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    // Lineage and settings records are parts of messages, not messages.
    private static bool IsValueRecord(Type t) =>
        t == typeof(DatasetRef) || t == typeof(ArtifactRef) || t == typeof(ModelRef) || t == typeof(TrainingHyperparameters);

    public static object Create(Type type, int seed = 1) => Value(type, type.Name, seed)!;

    private static object? Value(Type type, string name, int seed)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null) return Value(nullable, name, seed);
        if (type == typeof(string)) return $"{name}-{seed}";
        if (type == typeof(int)) return 1000 + seed;
        if (type == typeof(long)) return 5_000_000_000L + seed;
        if (type == typeof(double)) return 0.125 + seed;
        if (type == typeof(bool)) return true;
        if (type == typeof(Guid)) return new Guid(seed, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 22, 13, 45, 7, 123, TimeSpan.Zero).AddTicks(seed);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Value(element, name, seed + 1));
            list.Add(Value(element, name, seed + 2));
            return list;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var (keyType, valueType) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            map.Add(Value(keyType, "a", seed)!, Value(valueType, name, seed));
            map.Add(Value(keyType, "b", seed + 1)!, Value(valueType, name, seed + 1));
            return map;
        }
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Single();
        var arguments = constructor.GetParameters().Select((p, i) => Value(p.ParameterType, p.Name!, seed + i)).ToArray();
        return constructor.Invoke(arguments);
    }
}
