namespace Rebalancing.Engine.Policies;

/// <summary>What one settings object of a policy document wrote.</summary>
public static partial class PolicyReader
{
    /// <summary>The keys one settings object (org level or an override's set) wrote.</summary>
    private sealed class SettingsRead(string prefix)
    {
        /// <summary>The path of the settings object, empty for the org level.</summary>
        public string Prefix { get; } = prefix;

        public List<(PolicyKey Key, PolicyValue Value)> Values { get; } = [];

        public HashSet<PolicyKey> Invalid { get; } = [];

        public bool Sets(PolicyKey key) => Invalid.Contains(key) || Values.Exists(v => v.Key == key);

        public PolicySettings ApplyTo(PolicySettings settings)
        {
            foreach (var (key, value) in Values)
            {
                settings = key.Set(settings, value);
            }

            return settings;
        }
    }
}
