using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GenAuth.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "login_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: true),
                    AppId = table.Column<string>(type: "TEXT", nullable: true),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    Success = table.Column<bool>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Ip = table.Column<string>(type: "TEXT", nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_login_logs", x => x.Id);
                });

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

            migrationBuilder.CreateTable(
                name: "user_pools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    Domain = table.Column<string>(type: "TEXT", nullable: false),
                    Logo = table.Column<string>(type: "TEXT", nullable: false),
                    SecretHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SecretSealed = table.Column<byte[]>(type: "BLOB", nullable: false),
                    RegisterDisabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailVerifiedDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    SendWelcomeEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    LoginRequireEmailVerified = table.Column<bool>(type: "INTEGER", nullable: false),
                    TokenExpiresAfter = table.Column<int>(type: "INTEGER", nullable: false),
                    PasswordMinLength = table.Column<int>(type: "INTEGER", nullable: false),
                    AllowedOrigins = table.Column<string>(type: "TEXT", nullable: true),
                    QrCodeExpiresAfter = table.Column<int>(type: "INTEGER", nullable: false),
                    QrTicketExpiresAfter = table.Column<int>(type: "INTEGER", nullable: false),
                    QrReturnFullUserInfo = table.Column<bool>(type: "INTEGER", nullable: false),
                    QrAllowExchangeFromBrowser = table.Column<bool>(type: "INTEGER", nullable: false),
                    WhitelistEmailEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    WhitelistPhoneEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    WhitelistUsernameEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SecretVersion = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 1),
                    VerifyCodeLength = table.Column<int>(type: "INTEGER", nullable: false),
                    VerifyCodeMaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    VerifyCodeExpiresIn = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangePhoneVerifyOld = table.Column<bool>(type: "INTEGER", nullable: false),
                    ChangeEmailVerifyOld = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmtpHost = table.Column<string>(type: "TEXT", nullable: true),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: true),
                    SmtpSecurity = table.Column<string>(type: "TEXT", nullable: true),
                    SmtpUsername = table.Column<string>(type: "TEXT", nullable: true),
                    SmtpPasswordSealed = table.Column<byte[]>(type: "BLOB", nullable: true),
                    EmailFrom = table.Column<string>(type: "TEXT", nullable: true),
                    MfaRequired = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_pools", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "applications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    SecretSealed = table.Column<byte[]>(type: "BLOB", nullable: false),
                    RedirectUris = table.Column<string>(type: "TEXT", nullable: true),
                    Identifier = table.Column<string>(type: "TEXT", nullable: true),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    Logo = table.Column<string>(type: "TEXT", nullable: true),
                    DefaultAccess = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false, defaultValue: "ALLOW_ALL"),
                    MfaRequired = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false),
                    UniqueValue = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    DataType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: false),
                    LabelsJson = table.Column<string>(type: "TEXT", nullable: true),
                    Options = table.Column<string>(type: "TEXT", nullable: true),
                    Unique = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "groups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    RootNodeId = table.Column<string>(type: "TEXT", nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", nullable: true),
                    Logo = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", nullable: false),
                    Resource = table.Column<string>(type: "TEXT", nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", nullable: false),
                    Actions = table.Column<string>(type: "TEXT", nullable: false),
                    Conditions = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Use = table.Column<int>(type: "INTEGER", nullable: false),
                    PublicKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    PrivateKeySealed = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    ApiIdentifier = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actions = table.Column<string>(type: "TEXT", nullable: true)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    ParentId = table.Column<string>(type: "TEXT", nullable: true),
                    IsSystem = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: true),
                    Username = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    EmailNormalized = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    EmailVerified = table.Column<bool>(type: "INTEGER", nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    PhoneCountryCode = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneVerified = table.Column<bool>(type: "INTEGER", nullable: false),
                    Unionid = table.Column<string>(type: "TEXT", nullable: true),
                    Openid = table.Column<string>(type: "TEXT", nullable: true),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: true),
                    Nickname = table.Column<string>(type: "TEXT", nullable: true),
                    RegisterSource = table.Column<string>(type: "TEXT", nullable: true),
                    Photo = table.Column<string>(type: "TEXT", nullable: true),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                    PasswordSecurityLevel = table.Column<int>(type: "INTEGER", nullable: true),
                    ResetPasswordOnFirstLogin = table.Column<bool>(type: "INTEGER", nullable: false),
                    ForcePasswordReset = table.Column<bool>(type: "INTEGER", nullable: false),
                    Oauth = table.Column<string>(type: "TEXT", nullable: true),
                    LoginsCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastLogin = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastIp = table.Column<string>(type: "TEXT", nullable: true),
                    SignedUp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Blocked = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsDeleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Device = table.Column<string>(type: "TEXT", nullable: true),
                    Browser = table.Column<string>(type: "TEXT", nullable: true),
                    Company = table.Column<string>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", nullable: true),
                    GivenName = table.Column<string>(type: "TEXT", nullable: true),
                    FamilyName = table.Column<string>(type: "TEXT", nullable: true),
                    MiddleName = table.Column<string>(type: "TEXT", nullable: true),
                    Profile = table.Column<string>(type: "TEXT", nullable: true),
                    PreferredUsername = table.Column<string>(type: "TEXT", nullable: true),
                    Website = table.Column<string>(type: "TEXT", nullable: true),
                    Gender = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Birthdate = table.Column<string>(type: "TEXT", nullable: true),
                    Zoneinfo = table.Column<string>(type: "TEXT", nullable: true),
                    Locale = table.Column<string>(type: "TEXT", nullable: true),
                    Address = table.Column<string>(type: "TEXT", nullable: true),
                    Formatted = table.Column<string>(type: "TEXT", nullable: true),
                    StreetAddress = table.Column<string>(type: "TEXT", nullable: true),
                    Locality = table.Column<string>(type: "TEXT", nullable: true),
                    Region = table.Column<string>(type: "TEXT", nullable: true),
                    PostalCode = table.Column<string>(type: "TEXT", nullable: true),
                    City = table.Column<string>(type: "TEXT", nullable: true),
                    Province = table.Column<string>(type: "TEXT", nullable: true),
                    Country = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "org_nodes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    OrgId = table.Column<string>(type: "TEXT", nullable: false),
                    ParentId = table.Column<string>(type: "TEXT", nullable: true),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NameI18n = table.Column<string>(type: "TEXT", nullable: true),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    DescriptionI18n = table.Column<string>(type: "TEXT", nullable: true),
                    Order = table.Column<int>(type: "INTEGER", nullable: true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaderUserId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    RoleId = table.Column<string>(type: "TEXT", nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TargetId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Allowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    GroupId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: true),
                    Method = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TokenHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    FactorType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    TokenHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    PhoneCountryCode = table.Column<string>(type: "TEXT", nullable: true),
                    SecretSealed = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RecoveryCodeHash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    FactorType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    PhoneCountryCode = table.Column<string>(type: "TEXT", nullable: true),
                    SecretSealed = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RecoveryCodeHash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    LastUsedStep = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    AppId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Ip = table.Column<string>(type: "TEXT", nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                name: "node_members",
                columns: table => new
                {
                    NodeId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    UserPoolId = table.Column<string>(type: "TEXT", nullable: false),
                    IsMain = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsLeader = table.Column<bool>(type: "INTEGER", nullable: false),
                    JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "IX_permissions_UserPoolId_Namespace_Resource_TargetType_TargetId",
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
                name: "IX_users_UserPoolId_EmailNormalized",
                table: "users",
                columns: new[] { "UserPoolId", "EmailNormalized" },
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
                name: "roles");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "orgs");

            migrationBuilder.DropTable(
                name: "user_pools");
        }
    }
}
