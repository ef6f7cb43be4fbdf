namespace Rebalancing.Engine.Planning;

/// <summary>Within one plan a (node, SKU) either sends or receives, never both.</summary>
internal enum CellRole : byte
{
    None,
    Sender,
    Receiver,
}
