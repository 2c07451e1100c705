using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Agree15AgreementsSubAccountsPg : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MainUserId",
                table: "users",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "agreements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Title = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false, collation: "C"),
                    Required = table.Column<bool>(type: "boolean", nullable: false),
                    Lang = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false, collation: "C"),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_agreements_applications_AppId",
                        column: x => x.AppId,
                        principalTable: "applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_agreements_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "agreement_acceptances",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AgreementId = table.Column<long>(type: "bigint", nullable: false),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AcceptedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agreement_acceptances", x => new { x.UserId, x.AgreementId });
                    table.ForeignKey(
                        name: "FK_agreement_acceptances_agreements_AgreementId",
                        column: x => x.AgreementId,
                        principalTable: "agreements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_agreement_acceptances_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_agreement_acceptances_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_MainUserId",
                table: "users",
                columns: new[] { "UserPoolId", "MainUserId" });

            migrationBuilder.CreateIndex(
                name: "IX_agreement_acceptances_AgreementId",
                table: "agreement_acceptances",
                column: "AgreementId");

            migrationBuilder.CreateIndex(
                name: "IX_agreement_acceptances_UserPoolId",
                table: "agreement_acceptances",
                column: "UserPoolId");

            migrationBuilder.CreateIndex(
                name: "IX_agreements_AppId",
                table: "agreements",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_agreements_UserPoolId_AppId_Order",
                table: "agreements",
                columns: new[] { "UserPoolId", "AppId", "Order" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

            migrationBuilder.DropTable(
                name: "agreement_acceptances");

            migrationBuilder.DropTable(
                name: "agreements");

            migrationBuilder.DropIndex(
                name: "IX_users_UserPoolId_MainUserId",
                table: "users");

            migrationBuilder.DropColumn(
                name: "MainUserId",
                table: "users");
        }
    }
}
