namespace GenAuth.LoadTest;

/// <summary>Command line: --duration 10 --warmup 3 --connections N --only p1|p2 --users 200 --slice 2 --server-dll path --no-build --profile</summary>
public sealed class LoadOptions
{
    public int DurationSeconds { get; set; } = 10;
    public int WarmupSeconds { get; set; } = 3;
    public int? Connections { get; set; }
    public string? Only { get; set; }
    public int Users { get; set; } = 200;
    public double SliceSeconds { get; set; } = 2;
    public string? ServerDll { get; set; }
    public bool NoBuild { get; set; }
    public bool Diagnostics { get; set; }
    public bool Profile { get; set; }
    public int ProfileIterations { get; set; } = 4000;
    public string? Output { get; set; }
    public Dictionary<string, string> ServerEnv { get; } = [];

    public int ConnectionsOrDefault => Connections ?? 4 * Environment.ProcessorCount;
    public bool Runs(string part) => Only is null || Only.Equals(part, StringComparison.OrdinalIgnoreCase);

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--duration": o.DurationSeconds = int.Parse(Next()); break;
                case "--warmup": o.WarmupSeconds = int.Parse(Next()); break;
                case "--connections": o.Connections = int.Parse(Next()); break;
                case "--only": o.Only = Next(); break;
                case "--users": o.Users = int.Parse(Next()); break;
                case "--slice": o.SliceSeconds = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--server-dll": o.ServerDll = Path.GetFullPath(Next()); break;
                case "--no-build": o.NoBuild = true; break;
                case "--diag": o.Diagnostics = true; break;
                case "--profile": o.Profile = true; break;
                case "--profile-iterations": o.ProfileIterations = int.Parse(Next()); break;
                case "--output": o.Output = Path.GetFullPath(Next()); break;
                case "--server-env":
                    var kv = Next().Split('=', 2);
                    o.ServerEnv[kv[0]] = kv.Length > 1 ? kv[1] : "";
                    break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        GenAuth load tool (P1, P2 of QUALITY.md)
                          --duration S        measured seconds per run (default 10)
                          --warmup S          unmeasured seconds before each run (default 3)
                          --connections N     concurrent client connections (default 4 x cores)
                          --only p1|p2        run one part
                          --users N           pre-registered users (default 200)
                          --slice S           alternate baseline and GenAuth in slices of S seconds (default 2; 0 = one run each)
                          --server-dll PATH   use this GenAuth.Server.dll instead of building src/GenAuth.Server in Release
                          --no-build          use src/GenAuth.Server/bin/Release/net10.0/GenAuth.Server.dll as is
                          --diag              extra P2 rows: bare ASP.NET constant JSON, GenAuth { __typename }
                          --profile           in-process single-thread cost breakdown of the P2 pieces (no HTTP)
                          --output PATH       where to write the Markdown (default tests/GenAuth.LoadTest/results.md)
                          --server-env K=V    extra environment for GenAuth.Server (experiments, e.g. runtime knobs); repeatable
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (try --help)");
            }
        }
        if (o.DurationSeconds <= 0 || o.WarmupSeconds < 0 || o.ConnectionsOrDefault <= 0 || o.Users <= 0 || o.SliceSeconds < 0)
            throw new ArgumentException("durations, connections and users must be positive");
        if (o.Only is not null && !o.Runs("p1") && !o.Runs("p2"))
            throw new ArgumentException("--only takes p1 or p2");
        return o;
    }
}
