using System.Text.Json;

namespace Steadfast.Bench;

/// <summary>Collects one value per measured run for each figure and prints median, min and max.</summary>
internal sealed class BenchFigures
{
    private readonly Dictionary<string, List<double>> _values = new();

    public void Add(string key, double value) => (_values.TryGetValue(key, out var l) ? l : _values[key] = []).Add(value);

    public double Median(string key) => Median(_values[key]);

    public double Last(string key) => _values[key][^1];

    /// <summary>Median (min–max) of one figure, for a progress line.</summary>
    public string Line(string key) => _values.TryGetValue(key, out var v) ? $"{Median(v):0.0} ({v.Min():0.0}–{v.Max():0.0})" : "n/a";

    /// <summary>Adds figure <paramref name="key"/> computed run by run from two others (runs paired in order).</summary>
    public void Derive(string key, string a, string b, Func<double, double, double> f)
    {
        if (!_values.TryGetValue(a, out var x) || !_values.TryGetValue(b, out var y)) return;
        foreach (var (l, r) in x.Zip(y)) Add(key, f(l, r));
    }

    public void Print(bool json, int runs, string what)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        if (json)
        {
            var o = new Dictionary<string, object> { ["runs"] = runs, ["what"] = what, ["loadavg"] = load };
            foreach (var (k, v) in _values)
            {
                o[k + "_median"] = Median(v);
                o[k + "_min"] = v.Min();
                o[k + "_max"] = v.Max();
            }
            Console.WriteLine(JsonSerializer.Serialize(o));
            return;
        }
        Console.WriteLine($"medians of {runs} run(s), {what}, load average {load}:");
        foreach (var (k, v) in _values) Console.WriteLine($"  {k,-32} {Median(v),10:0.0}   (min {v.Min():0.0}, max {v.Max():0.0})");
    }

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
