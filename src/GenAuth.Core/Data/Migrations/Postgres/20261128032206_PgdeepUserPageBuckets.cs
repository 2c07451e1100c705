using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PgdeepUserPageBuckets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UserPageBuckets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    StartAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    StartId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserPageBuckets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UserPageBuckets_UserPoolId_StartAt_StartId",
                table: "UserPageBuckets",
                columns: new[] { "UserPoolId", "StartAt", "StartId" },
                unique: true);

            // Hand-written (no EF equivalent): triggers keep each bucket's live count in the writer's transaction, for
            // every way a user row is written (EF, ExecuteUpdate, COPY). See Users/UserPageIndex.
            migrationBuilder.Sql("""
                CREATE FUNCTION "genauth_user_page_bucket_add"(pool text, at timestamp without time zone, id text, delta integer)
                RETURNS void LANGUAGE sql AS $$
                    UPDATE "UserPageBuckets" SET "Count" = "Count" + delta
                    WHERE "Id" = (SELECT "Id" FROM "UserPageBuckets"
                                  WHERE "UserPoolId" = pool COLLATE "C" AND ("StartAt", "StartId") <= (at, id COLLATE "C")
                                  ORDER BY "StartAt" DESC, "StartId" DESC LIMIT 1)
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "genauth_users_page_buckets"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND NOT OLD."IsDeleted" THEN
                        PERFORM "genauth_user_page_bucket_add"(OLD."UserPoolId", OLD."CreatedAt", OLD."Id", -1);
                    END IF;
                    IF TG_OP <> 'DELETE' AND NOT NEW."IsDeleted" THEN
                        PERFORM "genauth_user_page_bucket_add"(NEW."UserPoolId", NEW."CreatedAt", NEW."Id", 1);
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Users_PageBuckets" AFTER INSERT OR DELETE ON "users"
                FOR EACH ROW EXECUTE FUNCTION "genauth_users_page_buckets"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Users_PageBuckets_Update" AFTER UPDATE OF "IsDeleted", "CreatedAt", "UserPoolId" ON "users"
                FOR EACH ROW WHEN (OLD."IsDeleted" IS DISTINCT FROM NEW."IsDeleted" OR OLD."CreatedAt" IS DISTINCT FROM NEW."CreatedAt"
                                   OR OLD."UserPoolId" IS DISTINCT FROM NEW."UserPoolId")
                EXECUTE FUNCTION "genauth_users_page_buckets"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Users_PageBuckets_Update\" ON \"users\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Users_PageBuckets\" ON \"users\";");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"genauth_users_page_buckets\"();");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"genauth_user_page_bucket_add\"(text, timestamp without time zone, text, integer);");
            migrationBuilder.DropTable(
                name: "UserPageBuckets");
        }
    }
}
