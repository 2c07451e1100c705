using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class QrLogin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "QrAllowExchangeFromBrowser",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "QrCodeExpiresAfter",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 120);

            migrationBuilder.AddColumn<bool>(
                name: "QrReturnFullUserInfo",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "QrTicketExpiresAfter",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 300);

            migrationBuilder.CreateTable(
                name: "qr_codes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: true),
                    Scene = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ScannedUserId = table.Column<string>(type: "TEXT", nullable: true),
                    TicketHash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    TicketSealed = table.Column<byte[]>(type: "BLOB", nullable: true),
                    TicketExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TicketUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CustomData = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_qr_codes", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_qr_codes_TicketHash",
                table: "qr_codes",
                column: "TicketHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_qr_codes_UserPoolId_ExpiresAt",
                table: "qr_codes",
                columns: new[] { "UserPoolId", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "qr_codes");

            migrationBuilder.DropColumn(
                name: "QrAllowExchangeFromBrowser",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "QrCodeExpiresAfter",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "QrReturnFullUserInfo",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "QrTicketExpiresAfter",
                table: "user_pools");
        }
    }
}
