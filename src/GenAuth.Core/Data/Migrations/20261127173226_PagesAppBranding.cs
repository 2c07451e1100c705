using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class PagesAppBranding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "branding_custom_css",
                table: "applications",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "branding_login_methods",
                table: "applications",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "branding_primary_color",
                table: "applications",
                type: "TEXT",
                maxLength: 7,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "branding_custom_css",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "branding_login_methods",
                table: "applications");

            migrationBuilder.DropColumn(
                name: "branding_primary_color",
                table: "applications");
        }
    }
}
