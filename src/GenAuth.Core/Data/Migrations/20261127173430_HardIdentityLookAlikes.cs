using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class HardIdentityLookAlikes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmailSkeleton",
                table: "users",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UsernameNormalized",
                table: "users",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UsernameSkeleton",
                table: "users",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PasswordStrength",
                table: "user_pools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "UserEditable",
                table: "custom_fields",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_EmailSkeleton",
                table: "users",
                columns: new[] { "UserPoolId", "EmailSkeleton" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_UsernameNormalized",
                table: "users",
                columns: new[] { "UserPoolId", "UsernameNormalized" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_UsernameSkeleton",
                table: "users",
                columns: new[] { "UserPoolId", "UsernameSkeleton" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_EmailSkeleton",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_UsernameNormalized",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_UsernameSkeleton",
                table: "users");

            migrationBuilder.DropColumn(
                name: "EmailSkeleton",
                table: "users");

            migrationBuilder.DropColumn(
                name: "UsernameNormalized",
                table: "users");

            migrationBuilder.DropColumn(
                name: "UsernameSkeleton",
                table: "users");

            migrationBuilder.DropColumn(
                name: "PasswordStrength",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "UserEditable",
                table: "custom_fields");
        }
    }
}
