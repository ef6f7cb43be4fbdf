namespace Rebalancing.Engine.Planning;

/// <summary>The stages of a plan, reported as they finish so callers can show progress on long work.</summary>
public enum PlanStage
{
    /// <summary>Pass 1, warehouse to store.</summary>
    WarehousePush,

    /// <summary>Pass 2 within every cluster.</summary>
    StoreTransfersWithin,

    /// <summary>Pass 2 across clusters.</summary>
    StoreTransfersAcross,

    /// <summary>Pass 3, sweep and consolidate.</summary>
    Consolidation,

    /// <summary>Valuation, attribution, reasons, the bound and the hash.</summary>
    Assembly,
}
