using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class HardBruteLoginFailChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "LoginFailCheckEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "LoginFailCheckInterval",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 300);

            migrationBuilder.AddColumn<int>(
                name: "LoginFailCheckLimit",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 50);

            migrationBuilder.AddColumn<string>(
                name: "LoginFailStrategy",
                table: "user_pools",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LoginPasswordFailCheckEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "LoginPasswordFailCheckInterval",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 300);

            migrationBuilder.AddColumn<int>(
                name: "LoginPasswordFailCheckLimit",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 5);

            migrationBuilder.AddColumn<int>(
                name: "Failures",
                table: "mfa_enrollments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LoginFailCheckEnabled",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginFailCheckInterval",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginFailCheckLimit",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginFailStrategy",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginPasswordFailCheckEnabled",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginPasswordFailCheckInterval",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "LoginPasswordFailCheckLimit",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "Failures",
                table: "mfa_enrollments");
        }
    }
}
