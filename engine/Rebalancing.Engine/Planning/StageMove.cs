namespace Rebalancing.Engine.Planning;

/// <summary>
/// A move as a stage of planning hands it to the next: small and serialisable, so the function app can store each
/// stage's result durably and replay the state from the snapshot and the moves so far.
/// </summary>
/// <param name="Pass">1, 2 or 3.</param>
/// <param name="FromNode">Sender node id.</param>
/// <param name="ToNode">Receiver node id.</param>
/// <param name="Sku">SKU.</param>
/// <param name="Quantity">Units.</param>
public sealed record StageMove(int Pass, string FromNode, string ToNode, string Sku, int Quantity);
