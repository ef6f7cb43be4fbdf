namespace Rebalancing.Engine.Synthetic;

/// <summary>A named cluster centre: a South African metro and the places its stores are named after.</summary>
/// <param name="Code">The <c>cluster</c> value.</param>
/// <param name="City">The centre's city (warehouse names).</param>
/// <param name="Latitude">Centre latitude, degrees.</param>
/// <param name="Longitude">Centre longitude, degrees.</param>
/// <param name="Weight">Relative share of stores.</param>
/// <param name="RadiusKm">Stores lie within this distance of the centre.</param>
/// <param name="Places">Suburbs and malls that store names are drawn from.</param>
internal sealed record ClusterSite(
    string Code,
    string City,
    double Latitude,
    double Longitude,
    int Weight,
    double RadiusKm,
    string[] Places);

/// <summary>The fixed geography: eight named clusters, then synthetic ones (C9, C10, ...).</summary>
internal static class Geography
{
    /// <summary>Kilometres per degree of latitude.</summary>
    public const double KmPerDegreeLatitude = 110.57;

    /// <summary>Kilometres per degree of longitude at the equator.</summary>
    public const double KmPerDegreeLongitude = 111.32;

    /// <summary>Store weight of every synthetic cluster.</summary>
    public const int SyntheticWeight = 4;

    /// <summary>Radius of every synthetic cluster, km.</summary>
    public const double SyntheticRadiusKm = 15;

    /// <summary>Named clusters, largest first.</summary>
    public static readonly ClusterSite[] Named =
    [
        new("GP", "Johannesburg", -26.2041, 28.0473, 30, 40,
            ["Sandton", "Rosebank", "Soweto", "Pretoria", "Centurion", "Midrand", "Randburg", "Fourways", "Menlyn", "Boksburg", "Alberton", "Eastgate"]),
        new("WC", "Cape Town", -33.9249, 18.4241, 18, 30,
            ["Claremont", "Bellville", "Century City", "Stellenbosch", "Somerset West", "Tyger Valley", "Sea Point", "Durbanville", "Blouberg"]),
        new("KZN", "Durban", -29.8587, 31.0218, 14, 25,
            ["Umhlanga", "Pinetown", "Ballito", "Westville", "Gateway", "Amanzimtoti", "Musgrave", "Chatsworth"]),
        new("EC", "Gqeberha", -33.9608, 25.6022, 9, 18,
            ["Walmer", "Summerstrand", "Newton Park", "Greenacres", "Kariega", "Lorraine"]),
        new("FS", "Bloemfontein", -29.0852, 26.1596, 7, 15,
            ["Brandwag", "Westdene", "Langenhoven Park", "Loch Logan", "Bayswater"]),
        new("MP", "Mbombela", -25.4658, 30.9853, 6, 15,
            ["Riverside", "White River", "Nelspruit", "Sonheuwel"]),
        new("LP", "Polokwane", -23.9045, 29.4689, 5, 15,
            ["Bendor", "Savannah", "Seshego", "Flora Park"]),
        new("NW", "Rustenburg", -25.6676, 27.2421, 5, 15,
            ["Waterfall", "Phokeng", "Tlhabane", "Safari Gardens"]),
    ];

    /// <summary>Words that complete a store name.</summary>
    public static readonly string[] StoreSuffixes = ["Mall", "Centre", "Square", "Plaza", "Junction", "Crossing", "Walk", "Village"];

    /// <summary>
    /// The latitude/longitude box that synthetic cluster centres are drawn from (inland
    /// South Africa, clear of the coast).
    /// </summary>
    public static (double MinLat, double MaxLat, double MinLon, double MaxLon) SyntheticBox => (-32.5, -24.0, 20.0, 31.0);

    /// <summary>Kilometres per degree of longitude at a latitude.</summary>
    public static double KmPerDegreeLongitudeAt(double latitude) =>
        KmPerDegreeLongitude * DeterministicMath.Cos(latitude * Math.PI / 180.0);

    /// <summary>Approximate (equirectangular) distance in km, adequate for freight bands.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        double dy = (lat2 - lat1) * KmPerDegreeLatitude;
        double dx = (lon2 - lon1) * KmPerDegreeLongitudeAt((lat1 + lat2) / 2);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
