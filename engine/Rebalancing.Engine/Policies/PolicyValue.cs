using System.Globalization;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// One value an override sets: a number, a boolean or <see langword="null"/> (only
/// <c>change_cap_units_per_sku</c> accepts null). Integer keys hold integral numbers.
/// <c>-0</c> is stored as <c>0</c>, so equal values compare equal.
/// </summary>
public readonly record struct PolicyValue
{
    private readonly double number;
    private readonly ValueTag tag;

    private PolicyValue(ValueTag tag, double number)
    {
        this.tag = tag;
        this.number = number;
    }

    private enum ValueTag : byte
    {
        Null,
        Number,
        Boolean,
    }

    /// <summary>The JSON <c>null</c>.</summary>
    public static PolicyValue Null => default;

    /// <summary>Whether this is the JSON <c>null</c>.</summary>
    public bool IsNull => tag == ValueTag.Null;

    /// <summary>Whether this is a number.</summary>
    public bool IsNumber => tag == ValueTag.Number;

    /// <summary>Whether this is <see langword="true"/> or <see langword="false"/>.</summary>
    public bool IsBoolean => tag == ValueTag.Boolean;

    /// <summary>The number; throws <see cref="InvalidOperationException"/> when this is not a number.</summary>
    public double Number => tag == ValueTag.Number ? number : throw new InvalidOperationException($"The policy value {this} is not a number.");

    /// <summary>The boolean; throws <see cref="InvalidOperationException"/> when this is not a boolean.</summary>
    public bool Boolean => tag == ValueTag.Boolean ? number != 0 : throw new InvalidOperationException($"The policy value {this} is not a boolean.");

    /// <summary>A number value; it must be finite.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value, with <c>-0</c> turned into <c>0</c>.</returns>
    public static PolicyValue FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A policy number must be finite.");
        }

        return new PolicyValue(ValueTag.Number, value == 0 ? 0 : value);
    }

    /// <summary>A boolean value.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static PolicyValue FromBoolean(bool value) => new(ValueTag.Boolean, value ? 1 : 0);

    /// <summary>The value as canonical JSON: <c>null</c>, <c>true</c>, <c>false</c>, or the number in invariant shortest round-trip form.</summary>
    /// <returns>The JSON text of the value.</returns>
    public override string ToString() => tag switch
    {
        ValueTag.Number => number.ToString("R", CultureInfo.InvariantCulture),
        ValueTag.Boolean => number != 0 ? "true" : "false",
        _ => "null",
    };
}
