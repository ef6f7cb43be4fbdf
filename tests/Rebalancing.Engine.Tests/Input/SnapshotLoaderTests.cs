using System.IO.Compression;
using System.Text;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Input;

/// <summary>
/// The "Bad input" rules of snapshot-format.md: every problem at its <c>FILE:LINE</c>, all files checked at once,
/// no snapshot from input with an error, warnings that let planning go on.
/// </summary>
public class SnapshotLoaderTests
{
    private const string Header = """{"org_id":"org-1","as_of":"2026-11-20T00:00:00Z"}""";

    private const string Nodes = """
        node_id,type,cluster,latitude,longitude,capacity_units,receive_enabled,ship_enabled
        W1,warehouse,,,,,true,true
        S1,store,GP,-26.2,28.0,100,true,true
        S2,store,GP,,,,true,true

        """;

    private const string Products = """
        sku,style,size,size_order,unit_cost,unit_price,lifecycle,season_end
        T-1,T,S,1,40,100,core,
        T-2,T,M,2,40,100,core,2027-01-31
        T-3,T,L,3,40,100,new,

        """;

    private const string Inventory = """
        node_id,sku,on_hand,in_transit,reserved,sales_4w
        W1,T-1,10,0,0,0
        S1,T-1,2,0,1,4
        S2,T-2,2,1,0,4

        """;

    /// <summary>A valid snapshot's files; a test replaces one or more of them.</summary>
    private static Dictionary<string, string> Valid(params (string File, string? Text)[] changes)
    {
        var files = new Dictionary<string, string>
        {
            ["snapshot.json"] = Header,
            ["nodes.csv"] = Nodes,
            ["products.csv"] = Products,
            ["inventory.csv"] = Inventory,
        };
        foreach (var (file, text) in changes)
        {
            if (text is null)
            {
                files.Remove(file);
            }
            else
            {
                files[file] = text;
            }
        }

        return files;
    }

    private static SnapshotLoadResult Load(params (string File, string? Text)[] changes) =>
        SnapshotLoader.Load(new MemorySnapshotSource(Valid(changes)));

    /// <summary>Asserts the load failed with exactly one error, at <paramref name="location"/> (<c>FILE:LINE</c> or <c>FILE</c>).</summary>
    private static InputProblem AssertSingleError(SnapshotLoadResult result, string location, string messagePart)
    {
        Assert.False(result.IsValid, "no snapshot may be produced from input with an error");
        Assert.Null(result.Snapshot);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(location + ": ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
        return error;
    }

    private static void AssertHasError(SnapshotLoadResult result, string location)
    {
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().StartsWith(location + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ValidSnapshot_LoadsWithoutProblems()
    {
        var result = Load();

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(3, result.Snapshot!.Nodes.Length);
        Assert.Equal(3, result.Snapshot.Products.Length);
        Assert.Equal(3, result.Snapshot.Inventory.Count);
    }

    // ---- missing and empty files, columns ----

    [Theory]
    [InlineData("snapshot.json")]
    [InlineData("nodes.csv")]
    [InlineData("products.csv")]
    [InlineData("inventory.csv")]
    public void Load_MissingRequiredFile_ReportsTheFileWithoutALine(string file)
    {
        var result = Load((file, null));

        var error = AssertSingleError(result, file, "missing");
        Assert.Null(error.Line);
    }

    [Theory]
    [InlineData("freight.csv")]
    [InlineData("recent_moves.csv")]
    public void Load_MissingOptionalFile_IsNoProblem(string file)
    {
        var result = Load((file, null));

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("nodes.csv")]
    [InlineData("products.csv")]
    [InlineData("inventory.csv")]
    public void Load_EmptyRequiredFile_ReportsLine1(string file)
    {
        var result = Load((file, string.Empty));

        AssertSingleError(result, file + ":1", "empty");
    }

    [Theory]
    [InlineData("inventory.csv", "node_id,sku,on_hand\nW1,T-1,10\n", "sales_4w")]
    [InlineData("products.csv", "sku,style,size,size_order,unit_cost\nT-1,T,S,1,40\n", "unit_price")]
    [InlineData("nodes.csv", "node_id,cluster\nW1,\n", "type")]
    public void Load_MissingRequiredColumn_ReportsLine1(string file, string text, string column)
    {
        var result = Load((file, text));

        AssertSingleError(result, file + ":1", column);
    }

    [Fact]
    public void Load_UnknownColumn_IsOnlyAWarningAndTheSnapshotLoads()
    {
        var result = Load(("inventory.csv", Inventory.Replace("sales_4w\n", "sales_4w,colour\n", StringComparison.Ordinal).Replace(",4\n", ",4,red\n", StringComparison.Ordinal).Replace(",0\n", ",0,red\n", StringComparison.Ordinal)));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("inventory.csv", warning.File);
        Assert.Equal(1, warning.Line);
        Assert.Contains("colour", warning.Message, StringComparison.Ordinal);
        Assert.Empty(result.Errors);
    }

    // ---- wrong type ----

    [Theory]
    [InlineData("inventory.csv", "S1,T-1,2,0,1,4", "S1,T-1,two,0,1,4", 3, "on_hand")]
    [InlineData("inventory.csv", "S1,T-1,2,0,1,4", "S1,T-1,2.5,0,1,4", 3, "on_hand")]
    [InlineData("inventory.csv", "S2,T-2,2,1,0,4", "S2,T-2,2,1,0,abc", 4, "sales_4w")]
    [InlineData("nodes.csv", "S2,store,GP,,,,true,true", "S2,store,GP,,,,yes,true", 4, "receive_enabled")]
    [InlineData("nodes.csv", "W1,warehouse,,,,,true,true", "W1,depot,,,,,true,true", 2, "type")]
    [InlineData("products.csv", "T-3,T,L,3,40,100,new,", "T-3,T,L,3,40,100,retired,", 4, "lifecycle")]
    [InlineData("products.csv", "T-1,T,S,1,40,100,core,", "T-1,T,S,1,40,100,core,2027-02-30", 2, "season_end")]
    [InlineData("products.csv", "T-1,T,S,1,40,100,core,", "T-1,T,S,1,40,100,core,31/01/2027", 2, "season_end")]
    [InlineData("products.csv", "T-1,T,S,1,40,100,core,", "T-1,T,S,one,40,100,core,", 2, "size_order")]
    public void Load_ValueOfTheWrongType_ReportsItsLine(string file, string oldLine, string newLine, int line, string column)
    {
        var result = Load((file, Valid()[file].Replace(oldLine, newLine, StringComparison.Ordinal)));

        AssertSingleError(result, $"{file}:{line}", column);
    }

    [Fact]
    public void Load_RecentMoveWithABadTimestamp_ReportsItsLine()
    {
        var result = Load(("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nT-1,W1,S1,2,2026-11-10T00:00:00Z\nT-1,W1,S2,2,last tuesday\n"));

        AssertSingleError(result, "recent_moves.csv:3", "applied_at");
    }

    // ---- out of range ----

    [Theory]
    [InlineData("inventory.csv", "S1,T-1,2,0,1,4", "S1,T-1,-1,0,0,4", 3, "on_hand")]
    [InlineData("inventory.csv", "S1,T-1,2,0,1,4", "S1,T-1,2,-3,1,4", 3, "in_transit")]
    [InlineData("inventory.csv", "S1,T-1,2,0,1,4", "S1,T-1,2,0,1,-0.5", 3, "sales_4w")]
    [InlineData("products.csv", "T-2,T,M,2,40,100,core,2027-01-31", "T-2,T,M,2,40,0,core,2027-01-31", 3, "unit_price")]
    [InlineData("products.csv", "T-2,T,M,2,40,100,core,2027-01-31", "T-2,T,M,2,-1,100,core,2027-01-31", 3, "unit_cost")]
    [InlineData("nodes.csv", "S1,store,GP,-26.2,28.0,100,true,true", "S1,store,GP,91,28.0,100,true,true", 3, "latitude")]
    [InlineData("nodes.csv", "S1,store,GP,-26.2,28.0,100,true,true", "S1,store,GP,-26.2,181,100,true,true", 3, "longitude")]
    [InlineData("nodes.csv", "S1,store,GP,-26.2,28.0,100,true,true", "S1,store,GP,-26.2,28.0,-5,true,true", 3, "capacity_units")]
    public void Load_ValueOutOfRange_ReportsItsLine(string file, string oldLine, string newLine, int line, string column)
    {
        var result = Load((file, Valid()[file].Replace(oldLine, newLine, StringComparison.Ordinal)));

        AssertSingleError(result, $"{file}:{line}", column);
    }

    [Fact]
    public void Load_RecentMoveWithZeroQuantity_ReportsItsLine()
    {
        var result = Load(("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nT-1,W1,S1,0,2026-11-10T00:00:00Z\n"));

        AssertSingleError(result, "recent_moves.csv:2", "quantity");
    }

    // ---- duplicate keys: reported at the later occurrence ----

    [Fact]
    public void Load_DuplicateNodeId_ReportsTheLaterLine()
    {
        var result = Load(("nodes.csv", Nodes + "S1,store,CT,,,,true,true\n"));

        AssertSingleError(result, "nodes.csv:5", "S1");
    }

    [Fact]
    public void Load_DuplicateSku_ReportsTheLaterLine()
    {
        var result = Load(("products.csv", Products + "T-1,U,S,1,40,100,core,\n"));

        AssertSingleError(result, "products.csv:5", "T-1");
    }

    [Fact]
    public void Load_DuplicateInventoryRow_ReportsTheLaterLine()
    {
        // The duplicate of line 2 sits on line 5; line 3 and 4 are other pairs.
        var result = Load(("inventory.csv", Inventory + "W1,T-1,3,0,0,0\n"));

        AssertSingleError(result, "inventory.csv:5", "duplicate");
    }

    [Fact]
    public void Load_DuplicateInventoryRowWithAnotherRowBetween_ReportsTheLaterLine()
    {
        // The pair (S2, T-3) appears on line 2 and again on line 4, with another pair between them.
        var text = "node_id,sku,on_hand,sales_4w\nS2,T-3,1,1\nW1,T-1,1,0\nS2,T-3,5,1\n";
        var result = Load(("inventory.csv", text));

        AssertSingleError(result, "inventory.csv:4", "duplicate");
    }

    [Fact]
    public void Load_DuplicateInventoryRowAndAnotherErrorInTheSameFile_ReportsBoth()
    {
        // All problems are reported at once: a bad value elsewhere in the file must not hide the duplicate.
        var text = Inventory.Replace("S1,T-1,2,0,1,4", "S1,T-1,x,0,1,4", StringComparison.Ordinal) + "W1,T-1,3,0,0,0\n";
        var result = Load(("inventory.csv", text));

        AssertHasError(result, "inventory.csv:3");
        AssertHasError(result, "inventory.csv:5");
        Assert.Equal(2, result.Errors.Count());
    }

    // ---- references ----

    [Theory]
    [InlineData("inventory.csv", "node_id,sku,on_hand,sales_4w\nW1,T-1,1,0\nS9,T-1,1,1\n", 3, "S9")]
    [InlineData("inventory.csv", "node_id,sku,on_hand,sales_4w\nW1,T-1,1,0\nS1,X-9,1,1\n", 3, "X-9")]
    [InlineData("freight.csv", "from_node,to_node,cost_per_unit\nW1,S1,1\nW1,S9,1\n", 3, "S9")]
    [InlineData("freight.csv", "from_node,to_node,cost_per_unit\nW9,S1,1\n", 2, "W9")]
    [InlineData("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nX-9,W1,S1,2,2026-11-10T00:00:00Z\n", 2, "X-9")]
    [InlineData("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nT-1,W1,S1,2,2026-11-10T00:00:00Z\nT-1,W1,S9,2,2026-11-10T00:00:00Z\n", 3, "S9")]
    public void Load_ReferenceToAnUnknownNodeOrSku_ReportsItsLine(string file, string text, int line, string unknown)
    {
        var result = Load((file, text));

        AssertSingleError(result, $"{file}:{line}", unknown);
    }

    [Fact]
    public void Load_BrokenNodesFile_StillReportsUnknownSkusInInventory()
    {
        // products.csv is fine, so inventory's SKUs can still be checked against it while nodes.csv is broken.
        var result = Load(
            ("nodes.csv", Nodes.Replace("S2,store,GP,", "S2,store,,", StringComparison.Ordinal)),
            ("inventory.csv", Inventory + "S1,X-9,1,0,0,1\n"));

        AssertHasError(result, "nodes.csv:4");
        AssertHasError(result, "inventory.csv:5");
    }

    [Fact]
    public void Load_BrokenProductsFile_StillReportsUnknownNodesInInventory()
    {
        var result = Load(
            ("products.csv", Products.Replace("T-3,T,L,3,40,100,", "T-3,T,L,3,40,0,", StringComparison.Ordinal)),
            ("inventory.csv", Inventory + "S9,T-1,1,0,0,1\n"));

        AssertHasError(result, "products.csv:4");
        AssertHasError(result, "inventory.csv:5");
    }

    [Fact]
    public void Load_BrokenNodesFile_StillReportsUnknownNodesInEveryFile_ButNotTheIdsOfItsBadRows()
    {
        // S2's row has an error (a store without a cluster), but it declares S2: only S9 is unknown.
        var result = Load(
            ("nodes.csv", Nodes.Replace("S2,store,GP,", "S2,store,,", StringComparison.Ordinal)),
            ("inventory.csv", Inventory + "S9,T-1,1,0,0,1\n"),
            ("freight.csv", "from_node,to_node,cost_per_unit\nW1,S2,1\nW1,S9,1\n"),
            ("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nT-1,W1,S2,2,2026-11-10T00:00:00Z\nT-1,W1,S9,2,2026-11-10T00:00:00Z\n"));

        Assert.Equal(
            ["freight.csv:3 to_node: unknown node 'S9'", "inventory.csv:5 node_id: unknown node 'S9'", "nodes.csv:4 cluster", "recent_moves.csv:3 to_node: unknown node 'S9'"],
            result.Errors.Select(e => $"{e.File}:{e.Line} {(e.File == "nodes.csv" ? "cluster" : e.Message)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_BrokenProductsFile_StillReportsUnknownSkusInEveryFile_ButNotTheSkusOfItsBadRows()
    {
        var result = Load(
            ("products.csv", Products.Replace("T-3,T,L,3,40,100,", "T-3,T,L,3,40,0,", StringComparison.Ordinal)),
            ("inventory.csv", Inventory + "S1,T-3,1,0,0,1\nS1,X-9,1,0,0,1\n"),
            ("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nX-9,W1,S1,2,2026-11-10T00:00:00Z\n"));

        Assert.Equal(
            ["inventory.csv:6 sku: unknown sku 'X-9'", "products.csv:4", "recent_moves.csv:2 sku: unknown sku 'X-9'"],
            result.Errors.Select(e => e.File == "products.csv" ? $"{e.File}:{e.Line}" : $"{e.File}:{e.Line} {e.Message}").Order(StringComparer.Ordinal));
    }

    // ---- cross-field rules ----

    [Fact]
    public void Load_ReservedAboveOnHand_ReportsItsLine()
    {
        var result = Load(("inventory.csv", Inventory.Replace("S1,T-1,2,0,1,4", "S1,T-1,2,0,3,4", StringComparison.Ordinal)));

        AssertSingleError(result, "inventory.csv:3", "reserved");
    }

    [Fact]
    public void Load_ReservedEqualToOnHand_IsAllowed()
    {
        var result = Load(("inventory.csv", Inventory.Replace("S1,T-1,2,0,1,4", "S1,T-1,2,0,2,4", StringComparison.Ordinal)));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Load_DuplicateSizeOrderWithinAStyle_ReportsTheLaterLine()
    {
        var result = Load(("products.csv", Products.Replace("T-3,T,L,3,", "T-3,T,L,2,", StringComparison.Ordinal)));

        AssertSingleError(result, "products.csv:4", "size_order");
    }

    [Fact]
    public void Load_SameSizeOrderInDifferentStyles_IsAllowed()
    {
        var result = Load(("products.csv", Products + "U-1,U,S,1,40,100,core,\n"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Load_StoreWithoutACluster_ReportsItsLine()
    {
        var result = Load(("nodes.csv", Nodes.Replace("S2,store,GP,", "S2,store,,", StringComparison.Ordinal)));

        AssertSingleError(result, "nodes.csv:4", "cluster");
    }

    [Fact]
    public void Load_WarehouseWithoutACluster_IsAllowed()
    {
        var result = Load();

        Assert.True(result.IsValid);
        Assert.Null(result.Snapshot!.Nodes.Single(n => n.Id == "W1").Cluster);
    }

    [Theory]
    [InlineData("S2,store,GP,-33.9,,,true,true")]
    [InlineData("S2,store,GP,,18.4,,true,true")]
    public void Load_NodeWithOnlyOneOfLatitudeAndLongitude_ReportsItsLine(string line)
    {
        var result = Load(("nodes.csv", Nodes.Replace("S2,store,GP,,,,true,true", line, StringComparison.Ordinal)));

        AssertSingleError(result, "nodes.csv:4", "latitude");
    }

    [Fact]
    public void Load_FreightRowWithBothANodePairAndAClusterPair_ReportsItsLine()
    {
        var result = Load(("freight.csv", "from_node,to_node,from_cluster,to_cluster,cost_per_unit\nW1,S1,,,1\nW1,S2,GP,GP,1\n"));

        AssertSingleError(result, "freight.csv:3", "not both");
    }

    [Fact]
    public void Load_FreightRowWithNeitherPair_ReportsItsLine()
    {
        var result = Load(("freight.csv", "from_node,to_node,from_cluster,to_cluster,cost_per_unit\n,,,,1\n"));

        AssertSingleError(result, "freight.csv:2", "neither");
    }

    [Fact]
    public void Load_StoreWithNoInventoryRows_IsAWarningAtTheStoreLine()
    {
        var result = Load(("nodes.csv", Nodes + "S3,store,CT,,,,true,true\n"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("nodes.csv:5: warning: store 'S3' has no inventory rows", warning.ToString());
    }

    // ---- CSV syntax: quoted fields, line endings, BOM, header ----

    [Theory]
    [InlineData("S1,T-1,2,0,1,4", "S1,T-1,2,0,1,4,9", 7)]
    [InlineData("S1,T-1,2,0,1,4", "S1,T-1,2,0,1", 5)]
    [InlineData("S1,T-1,2,0,1,4", "S1,T-1,2,0,1,4,,", 8)]
    public void Load_RowWithMoreOrFewerFieldsThanTheHeader_ReportsThatRowOnce(string oldLine, string newLine, int fields)
    {
        // Found by an independent checker: a row with a field too many was read without complaint (its values shifted
        // or the extra one ignored), and a short one not reported at all. The row itself is reported, once.
        var result = Load(("inventory.csv", Inventory.Replace(oldLine, newLine, StringComparison.Ordinal)));

        var error = AssertSingleError(result, "inventory.csv:3", "fields");
        Assert.Equal($"inventory.csv:3: {fields} fields, the header has 6", error.ToString());
    }

    [Fact]
    public void Load_RaggedRowBeforeAGoodOne_ReportsNothingAtTheNextLine()
    {
        var inventory = "node_id,sku,on_hand,in_transit,reserved,sales_4w,weekly_demand\nW1,T-1,10,0,0,0,\nS1,T-1,2,0,1,4,,9\nS2,T-2,2,1,0,4,\n";
        var result = Load(("inventory.csv", inventory));

        var error = AssertSingleError(result, "inventory.csv:3", "fields");
        Assert.Equal("inventory.csv:3: 8 fields, the header has 7", error.ToString());
    }


    [Fact]
    public void Load_QuotedFieldSpanningLines_ReportsTheLineWhereTheRecordStarts()
    {
        // Record 3 starts on line 3 and spans lines 3-5; its type is bad.
        var nodes = "node_id,name,type,cluster\nW1,Main DC,warehouse,\nS1,\"Sandton\nCity\nMall\",shop,GP\nS2,Rosebank,store,GP\n";
        var result = Load(("nodes.csv", nodes));

        AssertSingleError(result, "nodes.csv:3", "type");
    }

    [Fact]
    public void Load_QuotedFieldSpanningLines_KeepsLaterRecordLineNumbersRight()
    {
        // Line 3-4 hold one record; the next record starts on line 5 and the one after on line 6.
        var nodes = "node_id,name,type,cluster\nW1,Main DC,warehouse,\nS1,\"Sandton\nCity\",store,GP\nS2,Rosebank,store,GP\nS3,\"Menlyn \"\"Maine\"\"\",store,\n";
        var result = Load(("nodes.csv", nodes), ("inventory.csv", Inventory + "S3,T-1,1,0,0,1\n"));

        AssertSingleError(result, "nodes.csv:6", "cluster");
    }

    [Fact]
    public void Load_QuotedFieldSpanningLines_KeepsTheLineBreakInTheValue()
    {
        var nodes = "node_id,name,type,cluster\nW1,\"Main\nDC\",warehouse,\nS1,x,store,GP\nS2,y,store,GP\n";
        var result = Load(("nodes.csv", nodes));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("Main\nDC", result.Snapshot!.Nodes.Single(n => n.Id == "W1").Name);
    }

    [Fact]
    public void Load_CrlfLineEndings_LoadTheSameSnapshot()
    {
        static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);
        var result = Load(("nodes.csv", Crlf(Nodes)), ("products.csv", Crlf(Products)), ("inventory.csv", Crlf(Inventory)));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        var lf = Load().Snapshot!;
        Assert.Equal(lf.Nodes.ToArray(), result.Snapshot!.Nodes.ToArray());
        Assert.Equal(lf.Products.ToArray(), result.Snapshot.Products.ToArray());
        Assert.Equal(lf.Inventory.OnHand, result.Snapshot.Inventory.OnHand);
        Assert.Equal(lf.Inventory.Sales4w, result.Snapshot.Inventory.Sales4w);
    }

    [Fact]
    public void Load_CrlfLineEndingsWithAQuotedLineBreak_ReportLinesRight()
    {
        var nodes = "node_id,name,type,cluster\r\nW1,\"Main\r\nDC\",warehouse,\r\nS1,x,store,GP\r\nS2,y,store,\r\n";
        var result = Load(("nodes.csv", nodes));

        AssertSingleError(result, "nodes.csv:5", "cluster");
    }

    [Fact]
    public void Load_Utf8ByteOrderMark_IsNotPartOfTheFirstColumnName()
    {
        var result = Load(("nodes.csv", "\uFEFF" + Nodes), ("inventory.csv", "\uFEFF" + Inventory), ("snapshot.json", "\uFEFF" + Header));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Load_ColumnsInAnotherOrderWithUpperCaseHeaders_LoadTheSameValues()
    {
        var inventory = "SALES_4W,Reserved,SKU,On_Hand,NODE_ID,in_transit\n0,0,T-1,10,W1,0\n4,1,T-1,2,S1,0\n4,0,T-2,2,S2,1\n";
        var result = Load(("inventory.csv", inventory));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        var expected = Load().Snapshot!.Inventory;
        var actual = result.Snapshot!.Inventory;
        Assert.Equal(expected.Count, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(
                (expected.NodeOf(r), expected.SkuOf(r), expected.Node[r], expected.OnHand[r], expected.InTransit[r], expected.Reserved[r], expected.Sales4w[r]),
                (actual.NodeOf(r), actual.SkuOf(r), actual.Node[r], actual.OnHand[r], actual.InTransit[r], actual.Reserved[r], actual.Sales4w[r]));
        }
    }

    // ---- all at once, and the cap ----

    [Fact]
    public void Load_SeveralFilesBroken_ReportsEveryProblemOfEveryFileAtOnce()
    {
        var result = Load(
            ("snapshot.json", """{"org_id":"org-1"}"""),
            ("nodes.csv", Nodes.Replace("S2,store,GP,", "S2,store,,", StringComparison.Ordinal) + "W1,warehouse,,,,,true,true\n"),
            ("products.csv", Products.Replace("T-3,T,L,3,40,100,", "T-3,T,L,3,40,0,", StringComparison.Ordinal)),
            ("inventory.csv", Inventory.Replace("S1,T-1,2,0,1,4", "S1,T-1,2,0,1,many", StringComparison.Ordinal)),
            ("freight.csv", "from_node,to_node,cost_per_unit\nW1,S1,-1\n"),
            ("recent_moves.csv", "sku,from_node,to_node,quantity,applied_at\nT-1,W1,S1,two,2026-11-10T00:00:00Z\n"));

        Assert.False(result.IsValid);
        var locations = result.Errors.Select(e => e.Line is { } l ? $"{e.File}:{l}" : e.File).ToList();
        Assert.Equal(
            ["snapshot.json:1", "nodes.csv:4", "nodes.csv:5", "products.csv:4", "inventory.csv:3", "freight.csv:2", "recent_moves.csv:2"],
            locations);
    }

    [Fact]
    public void Load_MoreThan100ProblemsInOneFile_ListsTheFirst100AndSaysHowManyWereNotListed()
    {
        var inventory = new StringBuilder("node_id,sku,on_hand,sales_4w\n");
        for (var i = 0; i < 150; i++)
        {
            inventory.Append("S1,T-1,bad,1\n");
        }

        var result = Load(("inventory.csv", inventory.ToString()));

        Assert.False(result.IsValid);
        var problems = result.Problems.Where(p => p.File == "inventory.csv").ToList();
        Assert.Equal(101, problems.Count);
        Assert.Equal(Enumerable.Range(2, 100).Cast<int?>(), problems.Take(100).Select(p => p.Line));
        Assert.Contains("50 more problems not listed", problems[^1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TheCapIsPerFile_OtherFilesStillReportTheirProblems()
    {
        var inventory = new StringBuilder("node_id,sku,on_hand,sales_4w\n");
        for (var i = 0; i < 120; i++)
        {
            inventory.Append("S1,T-1,bad,1\n");
        }

        var result = Load(("inventory.csv", inventory.ToString()), ("freight.csv", "from_node,to_node,cost_per_unit\nW1,S9,1\n"));

        AssertHasError(result, "freight.csv:2");
    }

    [Fact]
    public void Load_MoreThan100WarningsInOneFile_IsStillValid()
    {
        // An org-wide freight table naming clusters this snapshot lacks gives one warning per unknown cluster;
        // warnings never stop planning, so the "not listed" line that closes a capped file must not be an error.
        var freight = new StringBuilder("from_cluster,to_cluster,cost_per_unit\n");
        for (var i = 0; i < 60; i++)
        {
            freight.Append("NORTH").Append(i).Append(",SOUTH").Append(i).Append(",1\n");
        }

        var result = Load(("freight.csv", freight.ToString()));

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid, string.Join("\n", result.Problems.Take(3)));
        Assert.Contains(result.Warnings, w => w.Message.Contains("not listed", StringComparison.Ordinal));
    }

    // ---- snapshot.json ----

    [Fact]
    public void Load_SnapshotJsonIsNotJson_ReportsSnapshotJson()
    {
        var result = Load(("snapshot.json", "{\"org_id\": \"org-1\",\n \"as_of\": }"));

        var error = Assert.Single(result.Errors);
        Assert.False(result.IsValid);
        Assert.Equal("snapshot.json", error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"as_of":"2026-11-20T00:00:00Z"}""", "org_id")]
    [InlineData("""{"org_id":"org-1"}""", "as_of")]
    [InlineData("""{"org_id":"","as_of":"2026-11-20T00:00:00Z"}""", "org_id")]
    [InlineData("""{"org_id":42,"as_of":"2026-11-20T00:00:00Z"}""", "org_id")]
    [InlineData("""{"org_id":"org-1","as_of":"yesterday"}""", "as_of")]
    [InlineData("""{"org_id":"org-1","as_of":"2026-11-31T00:00:00Z"}""", "as_of")]
    [InlineData("""{"org_id":"org-1","as_of":"11/20/2026"}""", "as_of")]
    [InlineData("""{"org_id":"org-1","as_of":"20 Nov 2026T"}""", "as_of")]
    public void Load_SnapshotJsonWithAMissingOrBadKey_ReportsTheKey(string json, string key)
    {
        var result = Load(("snapshot.json", json));

        AssertSingleError(result, "snapshot.json:1", key);
    }

    [Theory]
    [InlineData("{\n  \"org_id\": \"org-1\",\n  \"as_of\": \"yesterday\"\n}", "snapshot.json:3", "as_of")]
    [InlineData("{\n  \"org_id\": \"org-1\",\n  \"currency\": 7\n}", "snapshot.json:1", "as_of")]
    public void Load_SnapshotJsonProblem_IsReportedAtItsKeysLine_OrLine1ForAMissingKey(string json, string location, string key)
    {
        var result = Load(("snapshot.json", json));

        Assert.Contains(result.Errors, e => e.ToString().StartsWith(location + ": " + key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"org_id":"org-1","as_of":"2026-11-20T00:00:00Z","currency":"","snapshot_id":" "}""")]
    [InlineData("""{"org_id":"org-1","as_of":"2026-11-20T00:00:00Z","currency":null,"snapshot_id":null}""")]
    public void Load_OptionalSnapshotJsonKeysLeftBlank_AreLeftOut(string json)
    {
        var result = Load(("snapshot.json", json));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Null(result.Snapshot!.Header.Currency);
        Assert.Null(result.Snapshot.Header.SnapshotId);
    }

    [Fact]
    public void Load_AsOfWithAnOffset_IsTheSameInstantInUtc()
    {
        var result = Load(("snapshot.json", """{"org_id":"org-1","as_of":"2026-11-20T02:00:00+02:00"}"""));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), result.Snapshot!.Header.AsOf);
        Assert.Equal(TimeSpan.Zero, result.Snapshot.Header.AsOf.Offset);
    }

    // ---- zips ----

    [Fact]
    public void Load_ZipWithTheFilesAtTheRoot_Loads()
    {
        using var source = new ZipSnapshotSource(Zip(Valid(), folder: null));

        var result = SnapshotLoader.Load(source);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Snapshot!.Inventory.Count);
    }

    [Fact]
    public void Load_ZipOfAFolder_Loads()
    {
        using var source = new ZipSnapshotSource(Zip(Valid(), folder: "snapshot-2026-11-20"));

        var result = SnapshotLoader.Load(source);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Snapshot!.Inventory.Count);
    }

    [Fact]
    public void Load_AFolderZippedOnAMac_IgnoresTheArchiversOwnEntries()
    {
        var zip = Zip(Valid(), folder: "snap");
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var clutter in new[] { "__MACOSX/snap/._nodes.csv", "__MACOSX/._snap", "snap/.DS_Store", "snap/._inventory.csv" })
            {
                using var writer = new StreamWriter(archive.CreateEntry(clutter).Open());
                writer.Write("\0\u0005\u0016\u0007 resource fork");
            }
        }

        zip.Position = 0;
        using var source = new ZipSnapshotSource(zip);
        var result = SnapshotLoader.Load(source);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(3, result.Snapshot!.Inventory.Count);
    }

    [Fact]
    public void Load_ZipMissingAFile_ReportsTheFile()
    {
        using var source = new ZipSnapshotSource(Zip(Valid(("products.csv", null)), folder: "snap"));

        var result = SnapshotLoader.Load(source);

        AssertSingleError(result, "products.csv", "missing");
    }

    internal static MemoryStream Zip(IReadOnlyDictionary<string, string> files, string? folder)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (folder is not null)
            {
                archive.CreateEntry(folder + "/");
            }

            foreach (var (name, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = archive.CreateEntry(folder is null ? name : $"{folder}/{name}");
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
