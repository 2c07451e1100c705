using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    StartAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
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
            // every way a user row is written (EF, ExecuteUpdate, bulk inserts). See Users/UserPageIndex.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Users_PageBuckets_Insert" AFTER INSERT ON "users" WHEN NEW."IsDeleted" = 0
                BEGIN
                    UPDATE "UserPageBuckets" SET "Count" = "Count" + 1
                    WHERE "Id" = (SELECT "Id" FROM "UserPageBuckets"
                                  WHERE "UserPoolId" = NEW."UserPoolId" AND "StartAt" <= NEW."CreatedAt"
                                        AND ("StartAt" < NEW."CreatedAt" OR "StartId" <= NEW."Id")
                                  ORDER BY "StartAt" DESC, "StartId" DESC LIMIT 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Users_PageBuckets_Delete" AFTER DELETE ON "users" WHEN OLD."IsDeleted" = 0
                BEGIN
                    UPDATE "UserPageBuckets" SET "Count" = "Count" - 1
                    WHERE "Id" = (SELECT "Id" FROM "UserPageBuckets"
                                  WHERE "UserPoolId" = OLD."UserPoolId" AND "StartAt" <= OLD."CreatedAt"
                                        AND ("StartAt" < OLD."CreatedAt" OR "StartId" <= OLD."Id")
                                  ORDER BY "StartAt" DESC, "StartId" DESC LIMIT 1);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Users_PageBuckets_Update" AFTER UPDATE OF "IsDeleted", "CreatedAt", "UserPoolId" ON "users"
                WHEN OLD."IsDeleted" IS NOT NEW."IsDeleted" OR OLD."CreatedAt" IS NOT NEW."CreatedAt" OR OLD."UserPoolId" IS NOT NEW."UserPoolId"
                BEGIN
                    UPDATE "UserPageBuckets" SET "Count" = "Count" - 1
                    WHERE "Id" = (SELECT "Id" FROM "UserPageBuckets"
                                  WHERE "UserPoolId" = OLD."UserPoolId" AND "StartAt" <= OLD."CreatedAt"
                                        AND ("StartAt" < OLD."CreatedAt" OR "StartId" <= OLD."Id")
                                  ORDER BY "StartAt" DESC, "StartId" DESC LIMIT 1) AND OLD."IsDeleted" = 0;
                    UPDATE "UserPageBuckets" SET "Count" = "Count" + 1
                    WHERE "Id" = (SELECT "Id" FROM "UserPageBuckets"
                                  WHERE "UserPoolId" = NEW."UserPoolId" AND "StartAt" <= NEW."CreatedAt"
                                        AND ("StartAt" < NEW."CreatedAt" OR "StartId" <= NEW."Id")
                                  ORDER BY "StartAt" DESC, "StartId" DESC LIMIT 1) AND NEW."IsDeleted" = 0;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Users_PageBuckets_Update\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Users_PageBuckets_Delete\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Users_PageBuckets_Insert\";");
            migrationBuilder.DropTable(
                name: "UserPageBuckets");
        }
    }
}
