using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Conn12AppConnState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ext_idp_conn_app_states",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    ConnId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
