using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class VerificationCodesAndMessaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ForcePasswordReset",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "PasswordSecurityLevel",
                table: "users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ResetPasswordOnFirstLogin",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ChangeEmailVerifyOld",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ChangePhoneVerifyOld",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "EmailFrom",
                table: "user_pools",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SmtpHost",
                table: "user_pools",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "SmtpPasswordSealed",
                table: "user_pools",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SmtpPort",
                table: "user_pools",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SmtpSecurity",
                table: "user_pools",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SmtpUsername",
                table: "user_pools",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "VerifyCodeExpiresIn",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "VerifyCodeLength",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "VerifyCodeMaxAttempts",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "WhitelistEmailEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "WhitelistPhoneEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "WhitelistUsernameEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "verification_codes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Scene = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CodeHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_verification_codes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_verification_codes_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "whitelist_entries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_whitelist_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_whitelist_entries_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_verification_codes_UserPoolId_Channel_Target_CreatedAt",
                table: "verification_codes",
                columns: new[] { "UserPoolId", "Channel", "Target", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_whitelist_entries_UserPoolId_Type_Value",
                table: "whitelist_entries",
                columns: new[] { "UserPoolId", "Type", "Value" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "verification_codes");

            migrationBuilder.DropTable(
                name: "whitelist_entries");

            migrationBuilder.DropColumn(
                name: "ForcePasswordReset",
                table: "users");

            migrationBuilder.DropColumn(
                name: "PasswordSecurityLevel",
                table: "users");

            migrationBuilder.DropColumn(
                name: "ResetPasswordOnFirstLogin",
                table: "users");

            migrationBuilder.DropColumn(
                name: "ChangeEmailVerifyOld",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "ChangePhoneVerifyOld",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "EmailFrom",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmtpHost",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmtpPasswordSealed",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmtpPort",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmtpSecurity",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmtpUsername",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "VerifyCodeExpiresIn",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "VerifyCodeLength",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "VerifyCodeMaxAttempts",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "WhitelistEmailEnabled",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "WhitelistPhoneEnabled",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "WhitelistUsernameEnabled",
                table: "user_pools");
        }
    }
}
