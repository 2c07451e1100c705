namespace GenAuth.Core;

public sealed class GenAuthOptions
{
    public const string Section = "GenAuth";

    /// <summary>Where the SQLite database, the master key and bootstrap.json live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Overrides the SQLite file under DataDirectory (e.g. "Data Source=/tmp/x.db").</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Base64 of 32 bytes sealing private keys and secrets at rest; generated into DataDirectory when unset.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Public base URL of printed and mailed links and of the token issuer; unset, the address the server listens on.</summary>
    public string? PublicUrl { get; set; }

    public DatabaseOptions Database { get; set; } = new();
    public BootstrapOptions Bootstrap { get; set; } = new();
    public PasswordOptions Passwords { get; set; } = new();
}

public sealed class DatabaseOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>"Sqlite" (the file under DataDirectory, or ConnectionString) or "Postgres" (ConnectionStrings:Postgres).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Apply pending migrations when the server starts; false for deployments that run `migrate` separately
    /// (the server then refuses to start while migrations are pending).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Users per bucket of the users-page index: a page of users() steps over at most twice this many index
    /// entries; a pool's index is made when it first holds twice this many users (see UserPageIndex).</summary>
    public int UserPageBucketSize { get; set; } = 2048;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
    public bool IsSqlite => string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);
}

public sealed class BootstrapOptions
{
    public string? UserPoolId { get; set; }
    public string? AppId { get; set; }
    public string? Secret { get; set; }
    public string PoolName { get; set; } = "Default";
    public string AppName { get; set; } = "Default app";
}

public sealed class PasswordOptions
{
    /// <summary>Argon2id memory in KiB (OWASP minimum 19 MiB).</summary>
    public int MemoryKiB { get; set; } = 19 * 1024;
    public int Iterations { get; set; } = 2;

    /// <summary>Hashes run at once; defaults to the core count.</summary>
    public int? Concurrency { get; set; }

    /// <summary>
    /// Of those, how many may hash new passwords (registration, change, reset); defaults to Concurrency − 1 (at least 1),
    /// so a registration flood always leaves a slot to logins.
    /// </summary>
    public int? NewPasswordConcurrency { get; set; }

    /// <summary>Hash requests allowed to wait, per lane (logins, new passwords); beyond that callers are refused instead of piling up.</summary>
    public int QueueLimit { get; set; } = 1000;

    /// <summary>Caps on imported Argon2id hashes (createUser keepPassword): costlier ones are refused, so no login costs seconds.</summary>
    public int ImportMaxMemoryKiB { get; set; } = 64 * 1024;
    public int ImportMaxIterations { get; set; } = 4;
    public int ImportMaxParallelism { get; set; } = 4;
}
