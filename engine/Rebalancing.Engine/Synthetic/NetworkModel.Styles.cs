using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <content>Styles and their SKUs.</content>
internal sealed partial class NetworkModel
{
    private StyleModel[] BuildStyles(int skus)
    {
        string format = "D" + Width(skus, 4).ToString(CultureInfo.InvariantCulture);
        var styles = new List<StyleModel>();
        int remaining = skus;
        while (remaining > 0)
        {
            int i = styles.Count;
            var rng = Prng.For(Seed, RandomStream.Styles, i);
            Category category = Catalogue.Categories[rng.NextWeighted(Catalogue.CategoryWeights)];
            int sizeCount = Math.Min(rng.NextInt(category.MinSizes, category.MaxSizes), remaining);
            int start = rng.NextInt(0, category.Scale.Length - sizeCount);
            string colour = Catalogue.Colours[rng.NextInt(Catalogue.Colours.Length)];

            // Prices skew cheap within the band and end in .99; cost is 38-62 % of price.
            double u = rng.NextDouble();
            double price = category.MinPrice + ((category.MaxPrice - category.MinPrice) * u * u);
            long priceCents = ((long)Math.Round(price / 10) * 1000) - 1;
            long costCents = (long)Math.Round(priceCents * rng.NextDouble(0.38, 0.62));
            var lifecycle = (Lifecycle)rng.NextWeighted(Catalogue.LifecycleWeights);
            styles.Add(new StyleModel
            {
                Index = i,
                Id = category.Prefix + "-" + (i + 1).ToString(format, CultureInfo.InvariantCulture) + "-" + colour,
                Category = category,
                Sizes = category.Scale[start..(start + sizeCount)],
                SizeWeights = SizeCurve(ref rng, sizeCount),
                CostCents = costCents,
                PriceCents = priceCents,
                Lifecycle = lifecycle,
                SeasonEnd = SeasonEnd(ref rng, lifecycle),
                BaseRate = Catalogue.MedianStyleRate * DeterministicMath.Exp(Catalogue.StyleRateSigma * rng.NextStandardNormal()),
            });
            remaining -= sizeCount;
        }

        return [.. styles];
    }

    /// <summary>A bell-shaped share of demand per size, peaking near the middle of the run.</summary>
    private static double[] SizeCurve(ref Prng rng, int sizes)
    {
        var weights = new double[sizes];
        double centre = ((sizes - 1) / 2.0) + rng.NextDouble(-0.6, 0.6);
        double sigma = Math.Max(0.8, sizes / 3.2);
        double total = 0;
        for (int i = 0; i < sizes; i++)
        {
            double d = (i - centre) / sigma;
            weights[i] = DeterministicMath.Exp(-0.5 * d * d);
            total += weights[i];
        }

        for (int i = 0; i < sizes; i++)
        {
            weights[i] /= total;
        }

        return weights;
    }

    /// <summary>
    /// Season ends by lifecycle: clearance mostly within 1-7 weeks (inside the default
    /// 8-week horizon), eol from 2 weeks ago to 4 weeks ahead, core sometimes 4-30 weeks,
    /// new 12-30 weeks; otherwise none.
    /// </summary>
    private DateOnly? SeasonEnd(ref Prng rng, Lifecycle lifecycle)
    {
        (double none, int minDays, int maxDays) = lifecycle switch
        {
            Lifecycle.New => (0.4, 12 * 7, 30 * 7),
            Lifecycle.Core => (0.65, 4 * 7, 30 * 7),
            Lifecycle.Clearance => (0.2, 7, 7 * 7),
            _ => (0.4, -14, 28),
        };
        return rng.Chance(none) ? null : AsOfDate.AddDays(rng.NextInt(minDays, maxDays));
    }
}
