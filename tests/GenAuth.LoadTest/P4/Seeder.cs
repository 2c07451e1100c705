using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace GenAuth.LoadTest.P4;

/// <summary>
/// Writes a directory straight into a migrated genauth.db (the server must be stopped): users, 10 000 groups and roles,
/// resources, memberships, role assignments and grants for a sample of users. Raw prepared INSERTs in one transaction.
/// </summary>
public sealed class Seeder(string dbPath, string poolId, string passwordHash)
{
    public const string Namespace = "default";
    public const int Groups = 10_000;
    public const int Roles = 10_000;
    public const int Resources = 1_000;

    /// <summary>Every SampleEvery-th user is in 3 groups, holds 2 roles and one direct grant.</summary>
    public const int SampleEvery = 10;

    private static readonly string[] First =
    [
        "alice", "bob", "carol", "david", "emma", "frank", "grace", "henry", "irene", "jack", "kate", "liam", "mia", "noah",
        "olivia", "paul", "quinn", "rose", "sam", "tina", "uma", "victor", "wendy", "xavier", "yara", "zoe", "wei", "fang",
        "jun", "li", "ming", "xiu", "hao", "lei", "yan", "ana", "luis", "sofia", "mateo", "lucas", "nina", "omar", "priya",
        "raj", "sara", "tom", "ugo", "vera", "will", "yuki",
    ];

    private static readonly string[] Last =
    [
        "smith", "johnson", "brown", "garcia", "miller", "davis", "wang", "li", "zhang", "liu", "chen", "yang", "huang",
        "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "muller", "schmidt", "rossi",
        "silva", "santos", "kim", "park", "lee", "nguyen", "tran", "sato", "suzuki", "tanaka", "khan", "singh", "patel",
        "ivanov", "novak", "dubois", "martin", "lopez", "gonzalez", "wilson", "moore", "taylor",
    ];

    private static readonly string[] Domains = ["example.com", "mail.test", "corp.example", "bench.test", "inbox.example"];

    private static readonly DateTime Start = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Span = TimeSpan.FromDays(3 * 365);

    public static string Email(int i) =>
        $"{First[i % First.Length]}.{Last[i / First.Length % Last.Length]}.{i}@{Domains[i % Domains.Length]}";

    public static string UserId(int i, int n) => Id(CreatedAt(i, n), 0x01, i);

    public static DateTime CreatedAt(int i, int n) =>
        Start + TimeSpan.FromTicks(Span.Ticks / n * i + Random(i) % Math.Max(1, Span.Ticks / n));

    public void Seed(int n)
    {
        var sw = Stopwatch.StartNew();
        using var db = new SqliteConnection($"Data Source={dbPath};Pooling=False");
        db.Open();
        Exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-400000; PRAGMA temp_store=MEMORY;");
        using (var tx = db.BeginTransaction())
        {
            var sink = new SqliteSink(db, tx);
            SeedUsers(sink, n);
            Program.Log($"  p4 seed: {n:N0} users in {sw.Elapsed.TotalSeconds:F1} s");
            SeedRbac(sink, n);
            tx.Commit();
        }
        Exec(db, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        Program.Log($"  p4 seed: done in {sw.Elapsed.TotalSeconds:F1} s ({new FileInfo(dbPath).Length / 1048576.0:F0} MiB)");
    }

    /// <summary>The same rows into a migrated PostgreSQL database (the server stopped), by COPY in chunks, then VACUUM ANALYZE.</summary>
    public static void SeedPostgres(string connectionString, string poolId, string passwordHash, int n)
    {
        var sw = Stopwatch.StartNew();
        var seeder = new Seeder("", poolId, passwordHash);
        using (var db = new Npgsql.NpgsqlConnection(connectionString))
        {
            db.Open();
            using var tx = db.BeginTransaction();
            using (var sink = new PostgresSink(db))
            {
                seeder.SeedUsers(sink, n);
                sink.Flush();
                Program.Log($"  p4 seed (PostgreSQL): {n:N0} users in {sw.Elapsed.TotalSeconds:F1} s");
                seeder.SeedRbac(sink, n);
            }
            tx.Commit();
            using var vacuum = new Npgsql.NpgsqlCommand("VACUUM ANALYZE", db) { CommandTimeout = 0 };
            vacuum.ExecuteNonQuery();
        }
        Program.Log($"  p4 seed (PostgreSQL): done in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private void SeedUsers(ISink sink, int n)
    {
        var insert = sink.Table("users",
            ["Id", "UserPoolId", "Status", "Username", "Email", "EmailNormalized", "EmailVerified", "Phone", "PhoneCountryCode",
             "PhoneVerified", "Nickname", "RegisterSource", "PasswordHash", "PasswordSecurityLevel", "LoginsCount", "LastLogin",
             "SignedUp", "Blocked", "IsDeleted", "Name", "GivenName", "FamilyName", "Gender", "Locale", "CreatedAt", "UpdatedAt",
             "ForcePasswordReset", "ResetPasswordOnFirstLogin", "UsernameNormalized", "UsernameSkeleton", "EmailSkeleton"]);
        // Note: the look-alike keys are written here too, or the server's start-up backfill would fill a million rows;
        // a seeded name whose skeleton repeats an earlier one keeps a null skeleton, as the backfill would leave it.
        var skeletons = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var created = CreatedAt(i, n);
            var first = First[i % First.Length];
            var last = Last[i / First.Length % Last.Length];
            var email = Email(i);
            var at = Time(created);
            var username = $"{first}{last}{i}";
            var skeleton = GenAuth.Core.Users.Identifiers.UsernameSkeleton(username)!;
            var values = new object?[]
            {
                UserId(i, n), poolId, "Activated", username, email, email.ToLowerInvariant(), (i % 3 != 0) ? 1 : 0,
                $"+86138{i:D8}", "+86", (i % 2) == 0 ? 1 : 0, $"{Cap(first)} {Cap(last)}", "import:manual", passwordHash, 2,
                (int)(Random(i) % 50), i % 4 == 0 ? Time(created.AddDays(7)) : null, at, i % 997 == 0 ? 1 : 0, 0,
                $"{Cap(first)} {Cap(last)}", Cap(first), Cap(last), "MFU"[i % 3].ToString(), i % 2 == 0 ? "zh-CN" : "en-US", at, at, 0, 0,
                GenAuth.Core.Users.Identifiers.NormalizeUsername(username), skeletons.Add(skeleton) ? skeleton : null,
                GenAuth.Core.Users.Identifiers.EmailSkeleton(email.ToLowerInvariant()),
            };
            insert.Row(values);
        }
    }

    private void SeedRbac(ISink sink, int n)
    {
        var at = Time(Start);
        var groups = sink.Table("groups", ["Id", "UserPoolId", "Code", "Name", "Description", "CreatedAt", "UpdatedAt"]);
        for (var g = 0; g < Groups; g++)
            groups.Row(Id(Start, 0x02, g), poolId, $"group-{g}", $"Group {g}", "seeded", at, at);
        // Roles 0..99 are parents; every other role inherits from one of them (a two-level hierarchy).
        var roles = sink.Table("roles", ["Id", "UserPoolId", "Namespace", "Code", "Description", "ParentId", "IsSystem", "CreatedAt", "UpdatedAt"]);
        for (var r = 0; r < Roles; r++)
            roles.Row(Id(Start, 0x03, r), poolId, Namespace, $"role-{r}", "seeded", r < 100 ? null : Id(Start, 0x03, r % 100), 0, at, at);
        var resources = sink.Table("resources", ["Id", "UserPoolId", "Namespace", "Code", "Type", "Description", "ApiIdentifier", "CreatedAt", "UpdatedAt", "Actions"]);
        for (var s = 0; s < Resources; s++)
            resources.Row(Id(Start, 0x04, s), poolId, Namespace, $"res-{s}", "Data", null, $"https://api.example/res/{s}", at, at,
                """[{"Name":"read","Description":null},{"Name":"write","Description":null}]""");

        var perms = sink.Table("permissions", ["Id", "UserPoolId", "Namespace", "Resource", "ResourceType", "TargetType", "TargetId", "Actions", "CreatedAt", "UpdatedAt"]);
        var assign = sink.Table("role_assignments", ["Id", "UserPoolId", "RoleId", "TargetType", "TargetId", "CreatedAt"]);
        var members = sink.Table("group_members", ["GroupId", "UserId", "UserPoolId", "CreatedAt"]);
        var permId = 0;
        var assignId = 0;
        void Grant(string target, string targetId, int resource, string actions) =>
            perms.Row(Id(Start, 0x05, permId++), poolId, Namespace, $"res-{resource % Resources}", "Data", target, targetId, actions, at, at);
        for (var r = 0; r < Roles; r++)
            Grant("Role", Id(Start, 0x03, r), r, """["read"]""");
        for (var g = 0; g < Groups; g++)
        {
            Grant("Group", Id(Start, 0x02, g), g + 7, """["read","write"]""");
            assign.Row(Id(Start, 0x06, assignId++), poolId, Id(Start, 0x03, (g * 7) % Roles), "Group", Id(Start, 0x02, g), at);
        }
        for (var i = 0; i < n; i += SampleEvery)
        {
            var user = UserId(i, n);
            var h = Random(i);
            // Note: distinct (PostgreSQL's COPY has no OR IGNORE for a repeated membership).
            foreach (var g in Enumerable.Range(0, 3).Select(k => (int)((h >> (k * 16)) % Groups)).Distinct())
                members.Row(Id(Start, 0x02, g), user, poolId, at);
            foreach (var r in Enumerable.Range(0, 2).Select(k => (int)((h >> (k * 20 + 8)) % Roles)).Distinct())
                assign.Row(Id(Start, 0x06, assignId++), poolId, Id(Start, 0x03, r), "User", user, at);
            Grant("User", user, (int)(h % Resources), """["write"]""");
        }
    }

    private interface ISink
    {
        ITable Table(string table, string[] columns);
    }

    private interface ITable
    {
        void Row(params object?[] values);
    }

    /// <summary>Prepared INSERTs, one per row, in the caller's transaction.</summary>
    private sealed class SqliteSink(SqliteConnection db, SqliteTransaction tx) : ISink
    {
        public ITable Table(string table, string[] columns)
        {
            var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT OR IGNORE INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, k) => "$p" + k))})";
            for (var k = 0; k < columns.Length; k++)
                cmd.Parameters.Add(new SqliteParameter("$p" + k, null));
            cmd.Prepare();
            return new Insert(cmd);
        }

        private sealed class Insert(SqliteCommand cmd) : ITable
        {
            public void Row(params object?[] values)
            {
                for (var c = 0; c < values.Length; c++)
                    cmd.Parameters[c].Value = values[c] ?? DBNull.Value;
                cmd.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// COPY … FROM STDIN (text format) per chunk of rows: the SQLite values in PostgreSQL's text input (0/1 booleans,
    /// the same timestamp text), except the JSON list of a permission's actions, a text[] there.
    /// </summary>
    private sealed class PostgresSink(Npgsql.NpgsqlConnection db) : ISink, IDisposable
    {
        private const int Chunk = 50_000;
        private readonly List<Buffered> _tables = [];

        public ITable Table(string table, string[] columns)
        {
            Buffered? t = null;
            t = new Buffered(db, table, columns, () => FlushThrough(t!));
            _tables.Add(t);
            return t;
        }

        // A full chunk of a child table (group_members) must not reach PostgreSQL before its parents' rows (groups),
        // which may still sit in a smaller buffer: flush every table opened before it first (parents are opened first).
        private void FlushThrough(Buffered full)
        {
            foreach (var t in _tables)
            {
                t.Flush();
                if (ReferenceEquals(t, full))
                    return;
            }
        }

        public void Flush()
        {
            foreach (var t in _tables)
                t.Flush();
        }

        public void Dispose() => Flush();

        private sealed class Buffered(Npgsql.NpgsqlConnection db, string table, string[] columns, Action onFull) : ITable
        {
            private readonly StringBuilder _rows = new();
            private int _count;

            public void Row(params object?[] values)
            {
                for (var c = 0; c < values.Length; c++)
                {
                    if (c > 0)
                        _rows.Append('\t');
                    _rows.Append(Text(columns[c], values[c]));
                }
                _rows.Append('\n');
                if (++_count == Chunk)
                    onFull();
            }

            private string Text(string column, object? value)
            {
                if (value is null)
                    return "\\N";
                var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                if (table == "permissions" && column == "Actions")
                    text = "{" + string.Join(",", System.Text.Json.JsonSerializer.Deserialize<string[]>(text)!) + "}";
                return text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");
            }

            public void Flush()
            {
                if (_count == 0)
                    return;
                using (var writer = db.BeginTextImport(
                           $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN"))
                    writer.Write(_rows.ToString());
                _rows.Clear();
                _count = 0;
            }
        }
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Ids shaped like Core's Ids.New (time prefix), made distinct by a kind byte and a counter.</summary>
    private static string Id(DateTime at, byte kind, int counter)
    {
        Span<byte> b = stackalloc byte[12];
        var seconds = (uint)new DateTimeOffset(at).ToUnixTimeSeconds();
        b[0] = (byte)(seconds >> 24);
        b[1] = (byte)(seconds >> 16);
        b[2] = (byte)(seconds >> 8);
        b[3] = (byte)seconds;
        b[4] = kind;
        var r = (uint)Random(counter);
        b[5] = (byte)(r >> 16);
        b[6] = (byte)(r >> 8);
        b[7] = (byte)r;
        b[8] = (byte)(counter >> 24);
        b[9] = (byte)(counter >> 16);
        b[10] = (byte)(counter >> 8);
        b[11] = (byte)counter;
        return Convert.ToHexStringLower(b);
    }

    // The format EF Core's SQLite provider writes DateTime in, so range comparisons and ordering agree with the server's.
    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static long Random(long i)
    {
        var x = (ulong)i * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        return (long)(x & 0x7FFFFFFFFFFFFFFFUL);
    }
}
