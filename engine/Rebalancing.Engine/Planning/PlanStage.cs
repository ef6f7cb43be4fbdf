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

    /// <summary>The move rows: each move's written gain and freight, and the drops that keep the plan rules on them.</summary>
    Attribution,

    /// <summary>The reason of every untouched row, the KPIs, the bound and the hash: the plan is complete.</summary>
    Assembly,
}
