using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// One policy key: its dotted JSON path, the JSON type and range it accepts, and how it reads
/// and writes its <see cref="PolicySettings"/> property. The reader, override application and
/// the canonical writer all go through these descriptors (<see cref="PolicyKeys"/>).
/// </summary>
internal sealed class PolicyKey
{
    private readonly Func<PolicySettings, PolicyValue> get;
    private readonly Func<PolicySettings, PolicyValue, PolicySettings> set;

    public PolicyKey(
        string path,
        PolicyKeyKind kind,
        PolicyRange range,
        Func<PolicySettings, PolicyValue> get,
        Func<PolicySettings, PolicyValue, PolicySettings> set)
    {
        Path = path;
        Kind = kind;
        Range = range;
        this.get = get;
        this.set = set;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        Group = dot < 0 ? null : path[..dot];
        Name = dot < 0 ? path : path[(dot + 1)..];
    }

    /// <summary>The dotted path, e.g. <c>pass1.min_push_units</c>.</summary>
    public string Path { get; }

    /// <summary>The nested object the key lives in (<c>pass1</c>), or null for a top-level key.</summary>
    public string? Group { get; }

    /// <summary>The key's name inside its group, e.g. <c>min_push_units</c>.</summary>
    public string Name { get; }

    /// <summary>The JSON name of the key at the top level of a policy: its group, or its own name.</summary>
    public string TopLevelName => Group ?? Name;

    public PolicyKeyKind Kind { get; }

    /// <summary>The allowed interval (numeric kinds only).</summary>
    public PolicyRange Range { get; }

    public PolicyValue Get(PolicySettings settings) => get(settings);

    /// <summary>A copy of <paramref name="settings"/> with this key set; the value must have passed <see cref="Check"/>.</summary>
    public PolicySettings Set(PolicySettings settings, PolicyValue value) => set(settings, value);

    /// <summary>Reads a JSON value as this key's value, or says why it cannot be one.</summary>
    public bool TryRead(JsonElement element, out PolicyValue value, [NotNullWhen(false)] out string? problem)
    {
        value = PolicyValue.Null;
        switch (element.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False when Kind == PolicyKeyKind.Boolean:
                value = PolicyValue.FromBoolean(element.ValueKind == JsonValueKind.True);
                break;
            case JsonValueKind.Null when Kind == PolicyKeyKind.NullableInteger:
                break;
            case JsonValueKind.Number when Kind != PolicyKeyKind.Boolean:
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    problem = $"must be a finite number, got {JsonText.Describe(element)}";
                    return false;
                }

                value = PolicyValue.FromNumber(number);
                break;
            default:
                problem = $"must be {ExpectedType}, got {JsonText.Describe(element)}";
                return false;
        }

        problem = Check(value);
        return problem is null;
    }

    /// <summary>Null when <paramref name="value"/> is a valid value of this key, else the problem ("must be ...").</summary>
    public string? Check(PolicyValue value)
    {
        if (Kind == PolicyKeyKind.Boolean)
        {
            return value.IsBoolean ? null : $"must be {ExpectedType}, got {value}";
        }

        if (value.IsNull)
        {
            return Kind == PolicyKeyKind.NullableInteger ? null : $"must be {ExpectedType}, got null";
        }

        if (!value.IsNumber)
        {
            return $"must be {ExpectedType}, got {value}";
        }

        var number = value.Number;
        var integral = Kind is PolicyKeyKind.Integer or PolicyKeyKind.NullableInteger;
        if (integral && Math.Floor(number) != number)
        {
            return $"must be {ExpectedType}, got {value}";
        }

        if (!Range.Contains(number))
        {
            return $"must be {Range.Describe()}, got {value}";
        }

        if (integral && number > int.MaxValue)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be at most {int.MaxValue}, got {value}");
        }

        return null;
    }

    private string ExpectedType => Kind switch
    {
        PolicyKeyKind.Integer => "an integer",
        PolicyKeyKind.Number => "a number",
        PolicyKeyKind.Boolean => "true or false",
        _ => "null or an integer",
    };
}
