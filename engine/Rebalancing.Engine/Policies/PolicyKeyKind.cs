namespace Rebalancing.Engine.Policies;

/// <summary>The JSON type a policy key accepts.</summary>
internal enum PolicyKeyKind
{
    /// <summary>An integral number (<c>2</c> and <c>2.0</c>, not <c>2.5</c>) that fits an <see cref="int"/>.</summary>
    Integer,

    /// <summary>Any finite number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c> or an <see cref="Integer"/>.</summary>
    NullableInteger,
}
