using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PgEventlogAuditEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AuditRetentionDays",
                table: "user_pools",
                type: "integer",
                nullable: false,
                defaultValue: 180);

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    AppId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ActorKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    ActorId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Target = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Ip = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UserAgent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C"),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    ErrorCode = table.Column<int>(type: "integer", nullable: true),
                    Detail = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_CreatedAt",
                table: "audit_events",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_UserPoolId_Id",
                table: "audit_events",
                columns: new[] { "UserPoolId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_UserPoolId_Type_Id",
                table: "audit_events",
                columns: new[] { "UserPoolId", "Type", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_UserPoolId_UserId_Id",
                table: "audit_events",
                columns: new[] { "UserPoolId", "UserId", "Id" });

            // Note: hand-written, as SQLite's EventlogAuditEvents: a PostgreSQL database made by PgInitial (schema of the
            // release before the event log) has its login history moved into login events, in id order; Detail is
            // written byte for byte as SQLite's json_object writes it.
            migrationBuilder.Sql("""
                INSERT INTO audit_events ("UserPoolId", "CreatedAt", "AppId", "Type", "ActorKind", "ActorId", "UserId", "Ip", "UserAgent", "Outcome", "ErrorCode", "Detail")
                SELECT "UserPoolId", "CreatedAt", "AppId", 'login', 'user', "UserId", "UserId", "Ip", "UserAgent",
                       CASE WHEN "Success" THEN 'success' WHEN "ErrorCode" = 1635 THEN 'challenge' ELSE 'failure' END,
                       "ErrorCode", '{"method":' || to_json("Method")::text || '}'
                FROM login_logs ORDER BY "Id";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropColumn(
                name: "AuditRetentionDays",
                table: "user_pools");
        }
    }
}
