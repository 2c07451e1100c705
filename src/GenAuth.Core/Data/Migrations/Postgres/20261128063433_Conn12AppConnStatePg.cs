using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Conn12AppConnStatePg : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ext_idp_conn_app_states",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ConnId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ext_idp_conn_app_states", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ext_idp_conn_app_states_ext_idp_conns_ConnId",
                        column: x => x.ConnId,
                        principalTable: "ext_idp_conns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conn_app_states_ConnId_AppId_TenantId",
                table: "ext_idp_conn_app_states",
                columns: new[] { "ConnId", "AppId", "TenantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conn_app_states_UserPoolId_AppId",
                table: "ext_idp_conn_app_states",
                columns: new[] { "UserPoolId", "AppId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ext_idp_conn_app_states");
        }
    }
}
