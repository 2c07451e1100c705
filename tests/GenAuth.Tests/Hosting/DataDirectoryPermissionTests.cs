using System.Net.Http.Headers;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// Issue 10, hole 10: the data directory holds the database, the master key, live codes (outbox.jsonl), the pool
/// secret (bootstrap.json) and uploads. After a fresh start on Unix, none of it is readable by group or others.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryPermissionTests
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task AFreshStartCreatesTheDataDirectoryAndItsFilesOwnerOnly()
    {
        Assert.False(OperatingSystem.IsWindows(), "owner-only modes are a Unix property; this suite runs on Linux");
        var parent = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        // Note: a directory the server must create itself (GenAuthApp pre-creates its own with the umask's mode).
        var data = Path.Combine(parent, "fresh", "data");
        try
        {
            using (var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:DataDirectory"] = data, ["GenAuth:Database:Provider"] = "Sqlite" }))
            {
                var client = app.CreateGraphQLClient();
                // outbox.jsonl: a code goes to the outbox when no SMS gateway is set.
                GraphQLClient.Success(await client.PostAsync("mutation { sendSmsCode(phone: \"13812345678\") { code } }"), "sendSmsCode");
                // uploads/avatar: an anonymous avatar upload.
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                form.Add(file, "file", "a.png");
                using var request = client.NewRequest(HttpMethod.Post, "/api/v2/upload?folder=avatar");
                request.Content = form;
                using var uploaded = await client.Http.SendAsync(request);
                Assert.Equal(200, (await GraphQLClient.ReadJsonAsync(uploaded))["code"]!.GetValue<int>());

                // Note: -wal and -shm exist while a connection is open (the last one to close removes them); SQLite
                // creates them with the database file's mode.
                await using var open = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "genauth.db")};Pooling=False");
                await open.OpenAsync();
                await using (var read = open.CreateCommand())
                {
                    read.CommandText = "SELECT count(*) FROM sqlite_master";
                    await read.ExecuteScalarAsync();
                }

                var directories = new[] { data, Path.Combine(data, "uploads"), Path.Combine(data, "uploads", "avatar") };
                var files = new[] { "genauth.db", "genauth.db-wal", "genauth.db-shm", "master.key", "bootstrap.json", "outbox.jsonl" }
                    .Select(f => Path.Combine(data, f))
                    .Concat(Directory.GetFiles(Path.Combine(data, "uploads", "avatar")))
                    .ToList();

                Assert.Equal(7, files.Count);
                foreach (var directory in directories)
                    Assert.True((File.GetUnixFileMode(directory) & GroupOrOther) == 0, $"{directory} is {File.GetUnixFileMode(directory)}");
                foreach (var path in files)
                {
                    Assert.True(File.Exists(path), path + " is missing");
                    Assert.True((File.GetUnixFileMode(path) & GroupOrOther) == 0, $"{path} is {File.GetUnixFileMode(path)}");
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task FilesAnOlderVersionWroteWithTheUmaskAreTightenedOnStart()
    {
        Assert.False(OperatingSystem.IsWindows(), "owner-only modes are a Unix property; this suite runs on Linux");
        // Note: about the SQLite file, so on SQLite in a PostgreSQL run too.
        using var first = new GenAuthApp(settings: SqliteOnly) { KeepDataDirectory = true };
        var client = first.CreateGraphQLClient();
        GraphQLClient.Success(await client.PostAsync("{ __typename }"), "__typename");
        await first.DisposeAsync();
        var loose = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var name in new[] { "genauth.db", "master.key", "bootstrap.json" })
            File.SetUnixFileMode(Path.Combine(first.DataDirectory, name), loose);

        using var second = new GenAuthApp(first.DataDirectory, SqliteOnly);
        GraphQLClient.Success(await second.CreateGraphQLClient().PostAsync("{ __typename }"), "__typename");

        foreach (var name in new[] { "genauth.db", "master.key", "bootstrap.json" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(first.DataDirectory, name));
            Assert.True((mode & GroupOrOther) == 0, $"{name} is {mode}");
        }
    }

    private static readonly IReadOnlyDictionary<string, string?> SqliteOnly = new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = "Sqlite" };
}
