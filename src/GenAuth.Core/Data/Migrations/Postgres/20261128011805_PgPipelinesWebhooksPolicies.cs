using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PgPipelinesWebhooksPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PipelineClaims",
                table: "sessions",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "app_authorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Allow = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    InheritByChildren = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                name: "pipeline_env",
                columns: table => new
                {
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    SealedValue = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pipeline_env", x => new { x.UserPoolId, x.Key });
                    table.ForeignKey(
                        name: "FK_pipeline_env_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pipeline_functions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    SourceCode = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true, collation: "C"),
                    Url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true, collation: "C"),
                    Trigger = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    TimeoutMs = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pipeline_functions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pipeline_functions_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pipeline_settings",
                columns: table => new
                {
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    FetchAllowList = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CustomDatabaseEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    CustomDatabaseLoginScript = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CustomDatabaseGetUserScript = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pipeline_settings", x => x.UserPoolId);
                    table.ForeignKey(
                        name: "FK_pipeline_settings_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Code = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    Statements = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    SecretHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    Remarks = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TokenLifetime = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Code = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                name: "webhook_cursor",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    LastEventId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_cursor", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "webhooks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false, collation: "C"),
                    Events = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false, collation: "C"),
                    ContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    SealedSecret = table.Column<byte[]>(type: "bytea", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    StartAfterEventId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhooks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhooks_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "policy_assignments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PolicyId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    InheritByChildren = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    WebhookId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    EventId = table.Column<long>(type: "bigint", nullable: true),
                    EventName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Payload = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    WindowStartedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    ResponseStatus = table.Column<int>(type: "integer", nullable: true),
                    ResponseBody = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhook_deliveries_webhooks_WebhookId",
                        column: x => x.WebhookId,
                        principalTable: "webhooks",
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
                name: "IX_pipeline_functions_UserPoolId_Trigger_Order",
                table: "pipeline_functions",
                columns: new[] { "UserPoolId", "Trigger", "Order" });

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

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_Status_NextAttemptAt",
                table: "webhook_deliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_UserPoolId_WebhookId_Id",
                table: "webhook_deliveries",
                columns: new[] { "UserPoolId", "WebhookId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_WebhookId_EventId",
                table: "webhook_deliveries",
                columns: new[] { "WebhookId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhooks_UserPoolId_CreatedAt",
                table: "webhooks",
                columns: new[] { "UserPoolId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_authorizations");

            migrationBuilder.DropTable(
                name: "pipeline_env");

            migrationBuilder.DropTable(
                name: "pipeline_functions");

            migrationBuilder.DropTable(
                name: "pipeline_settings");

            migrationBuilder.DropTable(
                name: "policy_assignments");

            migrationBuilder.DropTable(
                name: "programmatic_access_accounts");

            migrationBuilder.DropTable(
                name: "resource_namespaces");

            migrationBuilder.DropTable(
                name: "webhook_cursor");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "policies");

            migrationBuilder.DropTable(
                name: "webhooks");

            migrationBuilder.DropColumn(
                name: "PipelineClaims",
                table: "sessions");
        }
    }
}
