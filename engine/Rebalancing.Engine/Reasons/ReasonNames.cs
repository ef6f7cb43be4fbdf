using System.Text;

namespace Rebalancing.Engine.Reasons;

/// <summary>The written names of codes: <c>SIZE_RUN_NOT_VIABLE_AT_DESTINATION</c> for <see cref="ReasonCode.SizeRunNotViableAtDestination"/>.</summary>
public static class ReasonNames
{
    private static readonly Dictionary<ReasonCode, string> Blocked = Enum.GetValues<ReasonCode>().ToDictionary(c => c, c => ToScreamingSnake(c.ToString()));
    private static readonly Dictionary<MoveReason, string> Moves = Enum.GetValues<MoveReason>().ToDictionary(c => c, c => ToScreamingSnake(c.ToString()));
    private static readonly Dictionary<string, ReasonCode> BlockedByName = Blocked.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
    private static readonly Dictionary<string, MoveReason> MovesByName = Moves.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    /// <summary>The written name of a blocking reason.</summary>
    /// <param name="code">The code.</param>
    /// <returns>E.g. <c>NO_DEMAND</c>.</returns>
    public static string Name(ReasonCode code) => Blocked[code];

    /// <summary>The written name of a move reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>E.g. <c>FILL_STOCKOUT</c>.</returns>
    public static string Name(MoveReason reason) => Moves[reason];

    /// <summary>The reason code a <c>blocked.csv</c> name stands for.</summary>
    /// <param name="name">The name as written, e.g. <c>NO_DEMAND</c>.</param>
    /// <param name="code">The code.</param>
    /// <returns>False when no code has that name.</returns>
    public static bool TryParse(string name, out ReasonCode code) => BlockedByName.TryGetValue(name, out code);

    /// <summary>The move reason a <c>moves.csv</c> name stands for.</summary>
    /// <param name="name">The name as written, e.g. <c>FILL_STOCKOUT</c>.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>False when no reason has that name.</returns>
    public static bool TryParse(string name, out MoveReason reason) => MovesByName.TryGetValue(name, out reason);

    private static string ToScreamingSnake(string pascal)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(pascal[i]));
        }

        return text.ToString();
    }
}
