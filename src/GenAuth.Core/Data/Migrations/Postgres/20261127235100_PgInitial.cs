using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace GenAuth.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PgInitial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "login_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    AppId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Method = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Success = table.Column<bool>(type: "boolean", nullable: false),
                    ErrorCode = table.Column<int>(type: "integer", nullable: true),
                    Ip = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UserAgent = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_login_logs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictApplications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ApplicationType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true, collation: "C"),
                    ClientSecret = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ClientType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    ConsentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    DisplayName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DisplayNames = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    JsonWebKeySet = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Permissions = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PostLogoutRedirectUris = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Properties = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    RedirectUris = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Requirements = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Settings = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictApplications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictScopes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Descriptions = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DisplayName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DisplayNames = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true, collation: "C"),
                    Properties = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Resources = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictScopes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "qr_codes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Scene = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ScannedUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TicketHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    TicketSealed = table.Column<byte[]>(type: "bytea", nullable: true),
                    TicketExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    TicketUsedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    ConfirmedWithSecondFactor = table.Column<bool>(type: "boolean", nullable: false),
                    CustomData = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_qr_codes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "user_pools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Domain = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Logo = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SecretHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    SecretSealed = table.Column<byte[]>(type: "bytea", nullable: false),
                    RegisterDisabled = table.Column<bool>(type: "boolean", nullable: false),
                    EmailVerifiedDefault = table.Column<bool>(type: "boolean", nullable: false),
                    SendWelcomeEmail = table.Column<bool>(type: "boolean", nullable: false),
                    LoginRequireEmailVerified = table.Column<bool>(type: "boolean", nullable: false),
                    TokenExpiresAfter = table.Column<int>(type: "integer", nullable: false),
                    PasswordMinLength = table.Column<int>(type: "integer", nullable: false),
                    PasswordStrength = table.Column<int>(type: "integer", nullable: false),
                    AllowedOrigins = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    AppSsoEnabled = table.Column<bool>(type: "boolean", nullable: false, defaultValue: true),
                    QrCodeExpiresAfter = table.Column<int>(type: "integer", nullable: false),
                    QrTicketExpiresAfter = table.Column<int>(type: "integer", nullable: false),
                    QrReturnFullUserInfo = table.Column<bool>(type: "boolean", nullable: false),
                    QrAllowExchangeFromBrowser = table.Column<bool>(type: "boolean", nullable: false),
                    WhitelistEmailEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    WhitelistPhoneEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    WhitelistUsernameEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    SecretVersion = table.Column<int>(type: "integer", nullable: false, defaultValue: 1),
                    VerifyCodeLength = table.Column<int>(type: "integer", nullable: false),
                    VerifyCodeMaxAttempts = table.Column<int>(type: "integer", nullable: false),
                    VerifyCodeExpiresIn = table.Column<int>(type: "integer", nullable: false),
                    ChangePhoneVerifyOld = table.Column<bool>(type: "boolean", nullable: false),
                    ChangeEmailVerifyOld = table.Column<bool>(type: "boolean", nullable: false),
                    SmtpHost = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SmtpPort = table.Column<int>(type: "integer", nullable: true),
                    SmtpSecurity = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SmtpUsername = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SmtpPasswordSealed = table.Column<byte[]>(type: "bytea", nullable: true),
                    EmailFrom = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    MfaRequired = table.Column<bool>(type: "boolean", nullable: false),
                    DefaultLanguage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true, collation: "C"),
                    SmsCountries = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true, collation: "C"),
                    FrequentRegisterEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    FrequentRegisterLimit = table.Column<int>(type: "integer", nullable: false, defaultValue: 10),
                    FrequentRegisterInterval = table.Column<int>(type: "integer", nullable: false, defaultValue: 300),
                    LoginFailCheckEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LoginFailCheckLimit = table.Column<int>(type: "integer", nullable: false, defaultValue: 50),
                    LoginFailCheckInterval = table.Column<int>(type: "integer", nullable: false, defaultValue: 300),
                    LoginPasswordFailCheckEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LoginPasswordFailCheckLimit = table.Column<int>(type: "integer", nullable: false, defaultValue: 5),
                    LoginPasswordFailCheckInterval = table.Column<int>(type: "integer", nullable: false, defaultValue: 300),
                    LoginFailStrategy = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_pools", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictAuthorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    CreationDate = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Scopes = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true, collation: "C"),
                    Type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictAuthorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictAuthorizations_OpenIddictApplications_Application~",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "applications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SecretSealed = table.Column<byte[]>(type: "bytea", nullable: false),
                    SecretHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    RedirectUris = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Identifier = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Logo = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DefaultAccess = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "ALLOW_ALL", collation: "C"),
                    MfaRequired = table.Column<bool>(type: "boolean", nullable: false),
                    PostLogoutRedirectUris = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    GrantTypes = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, defaultValue: "authorization_code refresh_token", collation: "C"),
                    TokenEndpointAuthMethod = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, defaultValue: "client_secret_basic", collation: "C"),
                    IdTokenLifetime = table.Column<int>(type: "integer", nullable: true),
                    AccessTokenLifetime = table.Column<int>(type: "integer", nullable: true),
                    RefreshTokenLifetime = table.Column<int>(type: "integer", nullable: true),
                    ThirdParty = table.Column<bool>(type: "boolean", nullable: false),
                    ImplicitAllowed = table.Column<bool>(type: "boolean", nullable: false),
                    CorsOrigins = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    BackchannelLogoutUri = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FrontchannelLogoutUri = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FrontchannelLogoutSessionRequired = table.Column<bool>(type: "boolean", nullable: false),
                    branding_primary_color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: true, collation: "C"),
                    branding_custom_css = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true, collation: "C"),
                    branding_login_methods = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_applications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_applications_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "custom_field_values",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    TargetId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Value = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UniqueValue = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    DataType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    Label = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LabelsJson = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Options = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Unique = table.Column<bool>(type: "boolean", nullable: false),
                    UserEditable = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "ext_idps",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ext_idps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ext_idps_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "groups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_groups_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "orgs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    RootNodeId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TenantId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Logo = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orgs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_orgs_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "permissions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Resource = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ResourceType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Actions = table.Column<List<string>>(type: "text[]", nullable: false),
                    Conditions = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_permissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_permissions_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pool_keys",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Use = table.Column<int>(type: "integer", nullable: false),
                    PublicKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    PrivateKeySealed = table.Column<byte[]>(type: "bytea", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pool_keys_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Code = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ApiIdentifier = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Actions = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resources", x => x.Id);
                    table.ForeignKey(
                        name: "FK_resources_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Namespace = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ParentId = table.Column<string>(type: "character varying(24)", nullable: true, collation: "C"),
                    IsSystem = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_roles_roles_ParentId",
                        column: x => x.ParentId,
                        principalTable: "roles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_roles_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Status = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Username = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true, collation: "C"),
                    UsernameNormalized = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C"),
                    UsernameSkeleton = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true, collation: "C"),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true, collation: "C"),
                    EmailNormalized = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true, collation: "C"),
                    EmailSkeleton = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true, collation: "C"),
                    EmailVerified = table.Column<bool>(type: "boolean", nullable: false),
                    Phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    PhoneCountryCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PhoneVerified = table.Column<bool>(type: "boolean", nullable: false),
                    Unionid = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Openid = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ExternalId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Nickname = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    RegisterSource = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Photo = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PasswordHash = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PasswordSecurityLevel = table.Column<int>(type: "integer", nullable: true),
                    ResetPasswordOnFirstLogin = table.Column<bool>(type: "boolean", nullable: false),
                    ForcePasswordReset = table.Column<bool>(type: "boolean", nullable: false),
                    Oauth = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    LoginsCount = table.Column<int>(type: "integer", nullable: false),
                    LastLogin = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    LastIp = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SignedUp = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Blocked = table.Column<bool>(type: "boolean", nullable: false),
                    IsDeleted = table.Column<bool>(type: "boolean", nullable: false),
                    DeletedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    Device = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Browser = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Company = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    GivenName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FamilyName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    MiddleName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Profile = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PreferredUsername = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Website = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Gender = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false, collation: "C"),
                    Birthdate = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Zoneinfo = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Locale = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Address = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Formatted = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    StreetAddress = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Locality = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Region = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PostalCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    City = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Province = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Country = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_users_user_pools_UserPoolId",
                        column: x => x.UserPoolId,
                        principalTable: "user_pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "verification_codes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    Target = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false, collation: "C"),
                    Scene = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    CodeHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    MaxAttempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true)
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
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    Value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "OpenIddictTokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    AuthorizationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    CreationDate = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    ExpirationDate = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Properties = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    RedemptionDate = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    ReferenceId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true, collation: "C"),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true, collation: "C"),
                    Type = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictApplications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictAuthorizations_AuthorizationId",
                        column: x => x.AuthorizationId,
                        principalTable: "OpenIddictAuthorizations",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "ext_idp_conns",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ExtIdpId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Identifier = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    DisplayName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Logo = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FieldsJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SealedSecrets = table.Column<byte[]>(type: "bytea", nullable: true),
                    UserMatchFieldsJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ext_idp_conns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ext_idp_conns_ext_idps_ExtIdpId",
                        column: x => x.ExtIdpId,
                        principalTable: "ext_idps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "org_nodes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OrgId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    ParentId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Path = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    NameI18n = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DescriptionI18n = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Order = table.Column<int>(type: "integer", nullable: true),
                    Code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true, collation: "C"),
                    LeaderUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_org_nodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_org_nodes_orgs_OrgId",
                        column: x => x.OrgId,
                        principalTable: "orgs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "role_assignments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    RoleId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role_assignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_role_assignments_roles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "roles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "app_access_rules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Allowed = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
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
                name: "group_members",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => new { x.GroupId, x.UserId });
                    table.ForeignKey(
                        name: "FK_group_members_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_group_members_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mfa_challenges",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Method = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    TokenHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    QrCodeId = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mfa_challenges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mfa_challenges_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mfa_enrollments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    FactorType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false, collation: "C"),
                    TokenHash = table.Column<byte[]>(type: "bytea", nullable: false),
                    Target = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true, collation: "C"),
                    PhoneCountryCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SecretSealed = table.Column<byte[]>(type: "bytea", nullable: true),
                    RecoveryCodeHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mfa_enrollments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mfa_enrollments_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mfa_factors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    FactorType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false, collation: "C"),
                    Target = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true, collation: "C"),
                    PhoneCountryCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SecretSealed = table.Column<byte[]>(type: "bytea", nullable: true),
                    RecoveryCodeHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    LastUsedStep = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mfa_factors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mfa_factors_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    AppId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Ip = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UserAgent = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    RevokedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    SecondFactorAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    ParentSessionId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    SecondFactorMethod = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sessions_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_identities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    ExtIdpId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ConnId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProviderUserId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    ProfileJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SealedTokens = table.Column<byte[]>(type: "bytea", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_identities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_identities_ext_idp_conns_ConnId",
                        column: x => x.ConnId,
                        principalTable: "ext_idp_conns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_user_identities_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "node_members",
                columns: table => new
                {
                    NodeId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    UserPoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    IsMain = table.Column<bool>(type: "boolean", nullable: false),
                    IsLeader = table.Column<bool>(type: "boolean", nullable: false),
                    JoinedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_node_members", x => new { x.NodeId, x.UserId });
                    table.ForeignKey(
                        name: "FK_node_members_org_nodes_NodeId",
                        column: x => x.NodeId,
                        principalTable: "org_nodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_node_members_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "IX_applications_UserPoolId",
                table: "applications",
                column: "UserPoolId");

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

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_ExtIdpId",
                table: "ext_idp_conns",
                column: "ExtIdpId");

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_UserPoolId_ExtIdpId",
                table: "ext_idp_conns",
                columns: new[] { "UserPoolId", "ExtIdpId" });

            migrationBuilder.CreateIndex(
                name: "IX_ext_idp_conns_UserPoolId_Identifier",
                table: "ext_idp_conns",
                columns: new[] { "UserPoolId", "Identifier" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ext_idps_UserPoolId_CreatedAt",
                table: "ext_idps",
                columns: new[] { "UserPoolId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_group_members_UserId",
                table: "group_members",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_group_members_UserPoolId_UserId",
                table: "group_members",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_groups_UserPoolId_Code",
                table: "groups",
                columns: new[] { "UserPoolId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_login_logs_UserPoolId_UserId_CreatedAt",
                table: "login_logs",
                columns: new[] { "UserPoolId", "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_mfa_challenges_ExpiresAt",
                table: "mfa_challenges",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_challenges_UserId",
                table: "mfa_challenges",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_challenges_UserPoolId_UserId",
                table: "mfa_challenges",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_mfa_enrollments_ExpiresAt",
                table: "mfa_enrollments",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_enrollments_UserId",
                table: "mfa_enrollments",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_enrollments_UserPoolId_UserId",
                table: "mfa_enrollments",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_mfa_factors_UserId",
                table: "mfa_factors",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_factors_UserPoolId_UserId_FactorType",
                table: "mfa_factors",
                columns: new[] { "UserPoolId", "UserId", "FactorType" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_node_members_UserId",
                table: "node_members",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_node_members_UserPoolId_UserId",
                table: "node_members",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_ClientId",
                table: "OpenIddictApplications",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictAuthorizations_ApplicationId_Status_Subject_Type",
                table: "OpenIddictAuthorizations",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictScopes_Name",
                table: "OpenIddictScopes",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ApplicationId_Status_Subject_Type",
                table: "OpenIddictTokens",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_AuthorizationId",
                table: "OpenIddictTokens",
                column: "AuthorizationId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ReferenceId",
                table: "OpenIddictTokens",
                column: "ReferenceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_org_nodes_OrgId_Path",
                table: "org_nodes",
                columns: new[] { "OrgId", "Path" });

            migrationBuilder.CreateIndex(
                name: "IX_org_nodes_ParentId",
                table: "org_nodes",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_org_nodes_UserPoolId_Code",
                table: "org_nodes",
                columns: new[] { "UserPoolId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_orgs_UserPoolId_CreatedAt",
                table: "orgs",
                columns: new[] { "UserPoolId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_permissions_UserPoolId_Namespace_Resource_TargetType_Target~",
                table: "permissions",
                columns: new[] { "UserPoolId", "Namespace", "Resource", "TargetType", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_permissions_UserPoolId_TargetType_TargetId_Namespace",
                table: "permissions",
                columns: new[] { "UserPoolId", "TargetType", "TargetId", "Namespace" });

            migrationBuilder.CreateIndex(
                name: "IX_pool_keys_UserPoolId_Use_Active",
                table: "pool_keys",
                columns: new[] { "UserPoolId", "Use", "Active" });

            migrationBuilder.CreateIndex(
                name: "IX_qr_codes_TicketHash",
                table: "qr_codes",
                column: "TicketHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_qr_codes_UserPoolId_ExpiresAt",
                table: "qr_codes",
                columns: new[] { "UserPoolId", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_resources_UserPoolId_Namespace_Code",
                table: "resources",
                columns: new[] { "UserPoolId", "Namespace", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_assignments_RoleId_TargetType_TargetId",
                table: "role_assignments",
                columns: new[] { "RoleId", "TargetType", "TargetId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_role_assignments_UserPoolId_TargetType_TargetId",
                table: "role_assignments",
                columns: new[] { "UserPoolId", "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_roles_ParentId",
                table: "roles",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_roles_UserPoolId_Namespace_Code",
                table: "roles",
                columns: new[] { "UserPoolId", "Namespace", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sessions_UserId",
                table: "sessions",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_sessions_UserPoolId_UserId",
                table: "sessions",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_ConnId_ProviderUserId",
                table: "user_identities",
                columns: new[] { "ConnId", "ProviderUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_UserId",
                table: "user_identities",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_user_identities_UserPoolId_UserId",
                table: "user_identities",
                columns: new[] { "UserPoolId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_EmailNormalized",
                table: "users",
                columns: new[] { "UserPoolId", "EmailNormalized" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_EmailSkeleton",
                table: "users",
                columns: new[] { "UserPoolId", "EmailSkeleton" },
                unique: true);

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
                name: "IX_users_UserPoolId_Phone",
                table: "users",
                columns: new[] { "UserPoolId", "Phone" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_UserPoolId_Username",
                table: "users",
                columns: new[] { "UserPoolId", "Username" },
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
                name: "app_access_rules");

            migrationBuilder.DropTable(
                name: "custom_field_values");

            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "login_logs");

            migrationBuilder.DropTable(
                name: "mfa_challenges");

            migrationBuilder.DropTable(
                name: "mfa_enrollments");

            migrationBuilder.DropTable(
                name: "mfa_factors");

            migrationBuilder.DropTable(
                name: "node_members");

            migrationBuilder.DropTable(
                name: "OpenIddictScopes");

            migrationBuilder.DropTable(
                name: "OpenIddictTokens");

            migrationBuilder.DropTable(
                name: "permissions");

            migrationBuilder.DropTable(
                name: "pool_keys");

            migrationBuilder.DropTable(
                name: "qr_codes");

            migrationBuilder.DropTable(
                name: "resources");

            migrationBuilder.DropTable(
                name: "role_assignments");

            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "user_identities");

            migrationBuilder.DropTable(
                name: "verification_codes");

            migrationBuilder.DropTable(
                name: "whitelist_entries");

            migrationBuilder.DropTable(
                name: "applications");

            migrationBuilder.DropTable(
                name: "groups");

            migrationBuilder.DropTable(
                name: "org_nodes");

            migrationBuilder.DropTable(
                name: "OpenIddictAuthorizations");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "ext_idp_conns");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "orgs");

            migrationBuilder.DropTable(
                name: "OpenIddictApplications");

            migrationBuilder.DropTable(
                name: "ext_idps");

            migrationBuilder.DropTable(
                name: "user_pools");
        }
    }
}
