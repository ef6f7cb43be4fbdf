namespace Rebalancing.Engine.Model;

/// <summary>Where a product is in its life; <see cref="Eol"/> stock never moves between stores.</summary>
public enum Lifecycle
{
    /// <summary>Newly introduced.</summary>
    New,

    /// <summary>Continuing line (the default).</summary>
    Core,

    /// <summary>Being cleared.</summary>
    Clearance,

    /// <summary>End of life: may be pushed from a warehouse, never moved between stores.</summary>
    Eol,
}
