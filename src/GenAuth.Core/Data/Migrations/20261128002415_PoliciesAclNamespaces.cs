using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class PoliciesAclNamespaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "app_authorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", nullable: false),
                    Allow = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    InheritByChildren = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_authorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_app_authorizations_applications_AppId",
                        column: x => x.AppId,
                        principalTable: "applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_app_authorizations_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    Statements = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_policies_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "programmatic_access_accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: false),
                    SecretHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Remarks = table.Column<string>(type: "TEXT", nullable: true),
                    TokenLifetime = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_programmatic_access_accounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_programmatic_access_accounts_applications_AppId",
                        column: x => x.AppId,
                        principalTable: "applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_programmatic_access_accounts_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resource_namespaces",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resource_namespaces", x => x.Id);
                    table.ForeignKey(
                        name: "FK_resource_namespaces_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "policy_assignments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", nullable: false),
                    InheritByChildren = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_policy_assignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_policy_assignments_policies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "policies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_policy_assignments_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_app_authorizations_AppId",
                table: "app_authorizations",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_app_authorizations_UserPoolId_AppId_TargetType_TargetId",
                table: "app_authorizations",
                columns: new[] { "UserPoolId", "AppId", "TargetType", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_policies_UserPoolId_Namespace_Code",
                table: "policies",
                columns: new[] { "UserPoolId", "Namespace", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_policy_assignments_PolicyId",
                table: "policy_assignments",
                column: "PolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_policy_assignments_UserPoolId_PolicyId_TargetType_TargetId",
                table: "policy_assignments",
                columns: new[] { "UserPoolId", "PolicyId", "TargetType", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_policy_assignments_UserPoolId_TargetType_TargetId_Namespace",
                table: "policy_assignments",
                columns: new[] { "UserPoolId", "TargetType", "TargetId", "Namespace" });

            migrationBuilder.CreateIndex(
                name: "IX_programmatic_access_accounts_AppId",
                table: "programmatic_access_accounts",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_programmatic_access_accounts_UserPoolId_AppId",
                table: "programmatic_access_accounts",
                columns: new[] { "UserPoolId", "AppId" });

            migrationBuilder.CreateIndex(
                name: "IX_resource_namespaces_UserPoolId_Code",
                table: "resource_namespaces",
                columns: new[] { "UserPoolId", "Code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_authorizations");

            migrationBuilder.DropTable(
                name: "policy_assignments");

            migrationBuilder.DropTable(
                name: "programmatic_access_accounts");

            migrationBuilder.DropTable(
                name: "resource_namespaces");

            migrationBuilder.DropTable(
                name: "policies");
        }
    }
}
