using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class SecondFactorSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SecondFactorAt",
                table: "sessions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ConfirmedWithSecondFactor",
                table: "qr_codes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "QrCodeId",
                table: "mfa_challenges",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SecondFactorAt",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "ConfirmedWithSecondFactor",
                table: "qr_codes");

            migrationBuilder.DropColumn(
                name: "QrCodeId",
                table: "mfa_challenges");
        }
    }
}
