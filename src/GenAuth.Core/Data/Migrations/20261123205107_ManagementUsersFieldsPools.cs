using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ManagementUsersFieldsPools : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_CreatedAt",
                table: "users");

            migrationBuilder.AddColumn<DateTime>(
                name: "DeletedAt",
                table: "users",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SecretVersion",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "DefaultAccess",
                table: "applications",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "ALLOW_ALL");

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "applications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Identifier",
                table: "applications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Logo",
                table: "applications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "applications",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.CreateTable(
                name: "app_access_rules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Allowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_access_rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_app_access_rules_applications_AppId",
                        column: x => x.AppId,
                        principalTable: "applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_app_access_rules_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "custom_field_values",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false),
                    UniqueValue = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_field_values", x => x.Id);
                    table.ForeignKey(
                        name: "FK_custom_field_values_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "custom_fields",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    DataType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: false),
                    LabelsJson = table.Column<string>(type: "TEXT", nullable: true),
                    Options = table.Column<string>(type: "TEXT", nullable: true),
                    Unique = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_custom_fields", x => x.Id);
                    table.ForeignKey(
                        name: "FK_custom_fields_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_ExternalId",
                table: "users",
                columns: new[] { "UserPoolId", "ExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_IsDeleted_CreatedAt_Id",
                table: "users",
                columns: new[] { "UserPoolId", "IsDeleted", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_IsDeleted_UpdatedAt_Id",
                table: "users",
                columns: new[] { "UserPoolId", "IsDeleted", "UpdatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_Name",
                table: "users",
                columns: new[] { "UserPoolId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_Nickname",
                table: "users",
                columns: new[] { "UserPoolId", "Nickname" });

            migrationBuilder.CreateIndex(
                name: "IX_app_access_rules_AppId",
                table: "app_access_rules",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_app_access_rules_UserId",
                table: "app_access_rules",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_app_access_rules_UserPoolId_AppId_UserId",
                table: "app_access_rules",
                columns: new[] { "UserPoolId", "AppId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_app_access_rules_UserPoolId_UserId",
                table: "app_access_rules",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_UserPoolId_TargetType_Key_UniqueValue",
                table: "custom_field_values",
                columns: new[] { "UserPoolId", "TargetType", "Key", "UniqueValue" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_custom_field_values_UserPoolId_TargetType_TargetId_Key",
                table: "custom_field_values",
                columns: new[] { "UserPoolId", "TargetType", "TargetId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_custom_fields_UserPoolId_TargetType_Key",
                table: "custom_fields",
                columns: new[] { "UserPoolId", "TargetType", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_access_rules");

            migrationBuilder.DropTable(
                name: "custom_field_values");

            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_ExternalId",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_IsDeleted_CreatedAt_Id",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_IsDeleted_UpdatedAt_Id",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_Name",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_Nickname",
                table: "users");

            migrationBuilder.DropColumn(
                name: "DeletedAt",
                table: "users");

            migrationBuilder.DropColumn(
                name: "SecretVersion",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "DefaultAccess",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "Identifier",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "Logo",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "applications");

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_CreatedAt",
                table: "users",
                columns: new[] { "UserPoolId", "CreatedAt" });
        }
    }
}
