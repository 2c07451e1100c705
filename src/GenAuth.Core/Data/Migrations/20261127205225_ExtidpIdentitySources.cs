using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExtidpIdentitySources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ext_idps",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ext_idps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ext_idps_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ext_idp_conns",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    ExtIdpId = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Logo = table.Column<string>(type: "TEXT", nullable: true),
                    FieldsJson = table.Column<string>(type: "TEXT", nullable: false),
                    SealedSecrets = table.Column<byte[]>(type: "BLOB", nullable: true),
                    UserMatchFieldsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ext_idp_conns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ext_idp_conns_ext_idps_ExtIdpId",
                        column: x => x.ExtIdpId,
                        principalTable: "ext_idps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_identities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ExtIdpId = table.Column<string>(type: "TEXT", nullable: false),
                    ConnId = table.Column<string>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProviderUserId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProfileJson = table.Column<string>(type: "TEXT", nullable: false),
                    SealedTokens = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_identities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_identities_ext_idp_conns_ConnId",
                        column: x => x.ConnId,
                        principalTable: "ext_idp_conns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_user_identities_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_ExtIdpId",
                table: "ext_idp_conns",
                column: "ExtIdpId");

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_UserPoolId_ExtIdpId",
                table: "ext_idp_conns",
                columns: new[] { "UserPoolId", "ExtIdpId" });

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_UserPoolId_Identifier",
                table: "ext_idp_conns",
                columns: new[] { "UserPoolId", "Identifier" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ext_idps_UserPoolId_CreatedAt",
                table: "ext_idps",
                columns: new[] { "UserPoolId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_ConnId_ProviderUserId",
                table: "user_identities",
                columns: new[] { "ConnId", "ProviderUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_UserId",
                table: "user_identities",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_UserPoolId_UserId",
                table: "user_identities",
                columns: new[] { "UserPoolId", "UserId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_identities");

            migrationBuilder.DropTable(
                name: "ext_idp_conns");

            migrationBuilder.DropTable(
                name: "ext_idps");
        }
    }
}
