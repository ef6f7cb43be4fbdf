namespace Rebalancing.Engine.Plans;

/// <summary>The engine's identity as it enters every plan and hash.</summary>
public static class EngineInfo
{
    /// <summary>
    /// The engine version. Bump it whenever a rule or the value model changes what a plan contains, so that hashes
    /// of plans made by different rules never collide.
    /// </summary>
    public const string Version = "rebalancing-engine/0.1.0";
}
