using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class HardQuotasPoolSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "FrequentRegisterEnabled",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "FrequentRegisterInterval",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 300);

            migrationBuilder.AddColumn<int>(
                name: "FrequentRegisterLimit",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 10);

            migrationBuilder.AddColumn<string>(
                name: "SmsCountries",
                table: "user_pools",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FrequentRegisterEnabled",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "FrequentRegisterInterval",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "FrequentRegisterLimit",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "SmsCountries",
                table: "user_pools");
        }
    }
}
