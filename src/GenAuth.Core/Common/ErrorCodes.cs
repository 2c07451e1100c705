namespace GenAuth.Core.Common;

/// <summary>One GenAuth error: its numeric code and the message in each supported language.</summary>
public sealed record ErrorCode(int Code, string ZhCn, string EnUs)
{
    public string Message(string? lang) =>
        lang is not null && lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? EnUs : ZhCn;
}

/// <summary>The table of GenAuth codes this server answers with. Codes follow the seeds and the SDK.</summary>
public static class ErrorCodes
{
    public static readonly ErrorCode BadRequest = new(400, "请求参数不合法", "Invalid request");
    public static readonly ErrorCode Forbidden = new(403, "没有权限执行此操作", "You are not allowed to do this");
    public static readonly ErrorCode TooManyOperations = new(429, "当前连接上进行中的操作过多", "Too many operations are running on this connection");
    public static readonly ErrorCode InvalidPhone = new(500, "手机号格式不正确", "Invalid phone number format");
    public static readonly ErrorCode WrongCode = new(2001, "验证码错误", "Wrong verification code");
    public static readonly ErrorCode InvalidEmail = new(2003, "非法邮箱地址", "Invalid email address");
    public static readonly ErrorCode UserNotFound = new(2004, "用户不存在", "User does not exist");
    public static readonly ErrorCode NotLoggedIn = new(2020, "尚未登录，无访问权限", "Not logged in");
    public static readonly ErrorCode AlreadyExists = new(2026, "用户已存在", "User already exists");
    public static readonly ErrorCode EmailRegistered = new(2026, "邮箱已注册", "This email is already registered");
    public static readonly ErrorCode UsernameExists = new(2026, "用户名已存在", "This username already exists");
    // Look-alike identities (issue 10): the same code as any duplicate, so SDKs treat it as one; the message says why.
    public static readonly ErrorCode UsernameLookAlike = new(2026, "已存在外观相似的用户名", "A username that looks the same already exists");
    public static readonly ErrorCode EmailLookAlike = new(2026, "已存在外观相似的邮箱", "An email address that looks the same is already registered");
    public static readonly ErrorCode PhoneRegistered = new(2026, "手机号已注册", "This phone number is already registered");
    public static readonly ErrorCode WrongAccountOrPassword = new(2333, "帐号或密码错误", "Wrong account or password");
    public static readonly ErrorCode AccountBlocked = new(2057, "用户已被锁定", "This account has been blocked");
    public static readonly ErrorCode TooManyAttempts = new(2058, "登录失败次数过多，请稍后再试", "Too many failed attempts, try again later");
    public static readonly ErrorCode Busy = new(2059, "服务繁忙，请稍后再试", "The server is busy, try again shortly");
    public static readonly ErrorCode WeakPassword = new(2040, "密码不符合密码强度要求", "The password does not meet the password policy");
    public static readonly ErrorCode PasswordRequired = new(2041, "请输入密码", "A password is required");
    public static readonly ErrorCode UserPoolNotFound = new(2042, "用户池不存在", "User pool does not exist");
    public static readonly ErrorCode AppNotFound = new(2043, "应用不存在", "Application does not exist");
    public static readonly ErrorCode UserPoolRequired = new(2044, "请在请求头 x-authing-userpool-id 或 x-authing-app-id 中指定用户池", "Name the user pool in the x-authing-userpool-id or x-authing-app-id header");
    public static readonly ErrorCode WrongSecret = new(2045, "用户池 ID 或密钥错误", "Wrong user pool id or secret");
    public static readonly ErrorCode InvalidUsername = new(2046, "用户名不合法", "Invalid username");
    public static readonly ErrorCode RegistrationDisabled = new(2047, "用户池已关闭注册", "Registration is disabled in this user pool");
    public static readonly ErrorCode PoolMismatch = new(2048, "应用不属于该用户池", "The application does not belong to this user pool");
    public static readonly ErrorCode QrCodeNotFound = new(2241, "二维码不存在", "The QR code does not exist");
    public static readonly ErrorCode QrCodeExpired = new(2242, "二维码已过期", "The QR code has expired");
    public static readonly ErrorCode QrCodeNotScanned = new(2243, "请先扫码", "Scan the QR code first");
    public static readonly ErrorCode QrCodeScannedByOther = new(2244, "二维码已被其他用户扫描", "Another user scanned this QR code");
    public static readonly ErrorCode QrCodeFinished = new(2245, "二维码已确认或已取消", "The QR code was already confirmed or cancelled");
    public static readonly ErrorCode QrTicketInvalid = new(2246, "ticket 不存在、已使用或已过期", "The ticket does not exist, was used or has expired");
    public static readonly ErrorCode QrSceneInvalid = new(2247, "不支持的扫码场景", "Unsupported QR code scene");
    public static readonly ErrorCode GroupNotFound = new(2510, "分组不存在", "Group does not exist");
    public static readonly ErrorCode GroupCodeExists = new(2511, "分组 code 已存在", "A group with this code already exists");
    public static readonly ErrorCode RoleNotFound = new(2520, "角色不存在", "Role does not exist");
    public static readonly ErrorCode RoleCodeExists = new(2521, "角色 code 已存在", "A role with this code already exists in the namespace");
    public static readonly ErrorCode RoleParentCycle = new(2522, "角色不能继承自身或其子角色", "A role cannot inherit from itself or its descendants");
    public static readonly ErrorCode OrgNotFound = new(2530, "组织机构不存在", "Organization does not exist");
    public static readonly ErrorCode NodeNotFound = new(2531, "节点不存在", "Node does not exist");
    public static readonly ErrorCode NodeCodeExists = new(2532, "节点 code 已存在", "A node with this code already exists");
    public static readonly ErrorCode NodeMoveCycle = new(2533, "不能将节点移动到其自身或其子节点下", "A node cannot move under itself or its descendants");
    public static readonly ErrorCode RootNodeImmutable = new(2534, "根节点不能被删除或移动，请删除组织机构", "The root node cannot be deleted or moved; delete the organization instead");
    public static readonly ErrorCode NotANodeMember = new(2535, "用户不在该部门中", "The user is not a member of this department");
    public static readonly ErrorCode ResourceNotFound = new(2540, "资源不存在", "Resource does not exist");
    public static readonly ErrorCode ResourceCodeExists = new(2541, "资源 code 已存在", "A resource with this code already exists in the namespace");
    public static readonly ErrorCode PolicyNotFound = new(2545, "策略不存在", "Policy does not exist");
    public static readonly ErrorCode PolicyCodeExists = new(2546, "策略 code 已存在", "A policy with this code already exists in the namespace");
    public static readonly ErrorCode PolicyAssignmentNotFound = new(2547, "策略授权不存在", "This policy is not assigned to this target");
    public static readonly ErrorCode NamespaceNotFound = new(2555, "权限分组不存在", "Permission namespace does not exist");
    public static readonly ErrorCode NamespaceCodeExists = new(2556, "权限分组 code 已存在", "A permission namespace with this code already exists");
    public static readonly ErrorCode AccessAccountNotFound = new(2566, "编程访问账号不存在", "Programmatic access account does not exist");
    public static readonly ErrorCode AccessAccountDisabled = new(2567, "编程访问账号已禁用", "This programmatic access account is disabled");
    public static readonly ErrorCode TenantNotFound = new(2580, "租户不存在", "Tenant does not exist");
    public static readonly ErrorCode TenantMemberNotFound = new(2581, "用户不是该租户的成员", "The user is not a member of this tenant");
    public static readonly ErrorCode TenantAccessDenied = new(2582, "用户无权登录此租户", "This user may not sign in under this tenant");
    public static readonly ErrorCode DeviceNotFound = new(2585, "设备不存在", "Device does not exist");
    public static readonly ErrorCode DeviceDisabled = new(2586, "该设备已被禁用", "This device is disabled");
    public static readonly ErrorCode DeviceSuspended = new(2587, "该设备已被暂停使用", "This device is suspended");
    public static readonly ErrorCode AgreementNotFound = new(2590, "注册协议不存在", "Agreement does not exist");
    public static readonly ErrorCode AgreementRequired = new(2591, "请先阅读并同意协议", "You must accept the required agreements to register");
    public static readonly ErrorCode OldPasswordWrong = new(1320011, "旧密码不正确", "The old password is wrong");
    public static readonly ErrorCode NoOtherLoginMethod = new(1320005, "当前用户未绑定其他登录方式", "No other login method is bound to this user");
    public static readonly ErrorCode TokenInvalid = new(1010001, "id token 非法或已过期", "The id token is invalid or has expired");
    public static readonly ErrorCode InvalidEmailAddress = new(1020017, "邮箱地址非法", "Invalid email address");
    public static readonly ErrorCode MfaRequired = new(1635, "请先完成多因素认证", "Multi-factor authentication is required");
    // Multi-factor authentication (issue 4). 1637 covers every refused second-factor code, with distinct messages.
    public static readonly ErrorCode MfaTokenInvalid = new(1636, "mfaToken 无效或已过期，请重新登录", "The mfaToken is invalid or has expired, log in again");
    public static readonly ErrorCode MfaCodeWrong = new(1637, "二次验证码错误", "Wrong MFA code");
    public static readonly ErrorCode MfaCodeReplayed = new(1637, "该验证码已使用过，请等待下一个验证码", "This code has already been used, wait for the next one");
    public static readonly ErrorCode RecoveryCodeWrong = new(1637, "恢复代码错误", "Wrong recovery code");
    public static readonly ErrorCode FactorNotSupported = new(1641, "不支持该 MFA 认证因素", "This MFA factor type is not supported");
    public static readonly ErrorCode FactorAlreadyEnrolled = new(1642, "已绑定该类型的 MFA 认证因素", "A factor of this type is already enrolled");
    public static readonly ErrorCode FactorNotFound = new(1643, "MFA 认证因素不存在", "MFA factor not found");
    public static readonly ErrorCode EnrollmentTokenInvalid = new(1644, "enrollmentToken 无效或已过期", "The enrollmentToken is invalid or has expired");
    public static readonly ErrorCode RecentLoginRequired = new(1645, "请重新登录后再进行此操作", "Log in again before doing this (a session at most 5 minutes old is needed)");
    public static readonly ErrorCode FactorTargetMismatch = new(1646, "与绑定的 MFA 手机号或邮箱不一致", "This is not the phone number or email enrolled for MFA");
    public static readonly ErrorCode MfaEnrollNotAllowed = new(1647, "该用户已绑定 MFA 认证因素，请使用已绑定的因素完成验证", "This user already has an MFA factor: answer the challenge with it");
    public static readonly ErrorCode SecondFactorLocked = new(1648, "二次验证错误次数过多，已暂时锁定，请稍后再试", "Too many wrong second-factor answers: it is locked for a while, try again later");
    // Verification codes and messaging (issue 3). Several share a GenAuth code number, as 2026 does, with distinct messages.
    public static readonly ErrorCode CodeExpired = new(2001, "验证码已过期，请重新获取", "The verification code has expired, request a new one");
    public static readonly ErrorCode CodeAttemptsExceeded = new(2001, "验证码错误次数过多，请重新获取", "Too many wrong tries, request a new code");
    public static readonly ErrorCode CodeRequired = new(2001, "请输入验证码", "A verification code is required");
    public static readonly ErrorCode SendTooFrequent = new(2060, "发送过于频繁，请稍后再试", "Codes are sent at most once a minute, try again shortly");
    public static readonly ErrorCode DeliveryFailed = new(2061, "消息发送失败，请稍后再试", "The message could not be delivered, try again later");
    public static readonly ErrorCode EmailNotVerified = new(2062, "邮箱未验证，请先验证邮箱", "Verify your email address before logging in");
    public static readonly ErrorCode NotWhitelisted = new(2063, "不在注册白名单中", "Not in this user pool's registration whitelist");
    public static readonly ErrorCode InvalidScene = new(2064, "不支持的发送场景", "Unsupported scene");
    public static readonly ErrorCode InvalidToken = new(2065, "凭证无效或已过期", "The token is invalid or has expired");
    // Abuse quotas (GenAuth:Quotas) and the pool's own send and registration rules.
    public static readonly ErrorCode SendQuotaExceeded = new(2060, "发送次数过多，请稍后再试", "Too many codes were sent, try again later");
    public static readonly ErrorCode CaptchaRequired = new(2091, "请先完成人机验证", "Complete the captcha (x-captcha-token) to continue");
    public static readonly ErrorCode CaptchaWrong = new(2091, "人机验证未通过，请重试", "The captcha answer was not accepted, try again");
    public static readonly ErrorCode RegisterTooFrequent = new(2092, "注册过于频繁，请稍后再试", "Too many registrations, try again later");
    public static readonly ErrorCode SmsCountryNotAllowed = new(2093, "该用户池不向此国家或地区发送短信", "This user pool does not send SMS to this country or region");
    public static readonly ErrorCode LookupTooFrequent = new(2094, "查询过于频繁，请稍后再试", "Too many lookups, try again later");
    public static readonly ErrorCode CustomSmsProviderUnsupported = new(2095, "暂不支持自定义短信服务商，短信通过服务器配置的网关（GenAuth:Sms:Http）发送",
        "Custom SMS providers per pool are not supported yet; SMS go through the server's gateway (GenAuth:Sms:Http)");
    public static readonly ErrorCode PhoneAlreadyBound = new(1320003, "当前用户已绑定手机号", "A phone number is already bound to this user");
    public static readonly ErrorCode EmailAlreadyBound = new(1320004, "当前用户已绑定邮箱", "An email address is already bound to this user");
    public static readonly ErrorCode PhoneNotBound = new(1320005, "当前用户未绑定手机号", "No phone number is bound to this user");
    public static readonly ErrorCode EmailNotBound = new(1320005, "当前用户未绑定邮箱", "No email address is bound to this user");
    public static readonly ErrorCode OldPhoneMismatch = new(1320007, "旧手机号不正确", "The old phone number does not match");
    public static readonly ErrorCode OldEmailMismatch = new(1320008, "旧邮箱不正确", "The old email address does not match");
    public static readonly ErrorCode FirstLoginResetRequired = new(1639, "首次登录请先修改密码", "Change your password before the first login");
    public static readonly ErrorCode ForceResetRequired = new(2080, "请先重置密码", "Your password must be reset before logging in");
    public static readonly ErrorCode InvalidImage = new(2070, "仅支持 2 MB 以内的 PNG、JPEG、WebP 图片", "Only PNG, JPEG or WebP images up to 2 MB are accepted");
    public static readonly ErrorCode MaxDepthExceeded = new(4001, "查询嵌套层级过深", "The query is nested too deeply");
    public static readonly ErrorCode MaxComplexityExceeded = new(4002, "查询过于复杂", "The query is too complex");
    public static readonly ErrorCode InvalidQuery = new(4000, "GraphQL 请求不合法", "Invalid GraphQL request");
    // GraphQL document limits (issue 10, hole 3: bounded before validation; GenAuth:GraphQL settings).
    public static readonly ErrorCode QueryTooLarge = new(4003, "GraphQL 文档过大", "The GraphQL document is too long");
    public static readonly ErrorCode TooManySelections = new(4004, "展开片段后查询的字段过多", "The document selects too many fields once its fragments are expanded");
    public static readonly ErrorCode TooManyAliases = new(4005, "查询中的别名过多", "The document uses too many aliases");
    public static readonly ErrorCode QueryTimeout = new(4006, "查询执行超时", "The operation took too long and was stopped");
    public static readonly ErrorCode ResponseTooLarge = new(4007, "查询结果过大", "The result is too large: ask for fewer fields or a smaller page");
    public static readonly ErrorCode IntrospectionDisabled = new(4008, "匿名调用者不能查询 schema，请使用管理令牌", "Schema introspection needs a token: anonymous introspection is turned off");
    public static readonly ErrorCode PerRequestLimit = new(4009, "一个请求中此类操作只能出现一次", "A request may hold only one operation of this kind (aliases and batches included)");
    // Management (issue 6: users, custom fields, pool settings, whitelist, applications).
    public static readonly ErrorCode CustomFieldNotFound = new(2601, "自定义字段不存在", "The custom field does not exist");
    public static readonly ErrorCode InvalidCustomFieldValue = new(2602, "自定义字段值与字段类型不符", "The value does not match the custom field's type");
    public static readonly ErrorCode SettingNotSupported = new(2650, "该用户池设置暂不支持，未保存", "This pool setting is not supported by this server yet and was not saved");
    public static readonly ErrorCode FeatureNotSupported = new(2651, "此服务器不支持该功能", "This feature is not supported by this server");
    public static readonly ErrorCode CustomFieldNotUserEditable = new(403, "该自定义字段不允许用户自行修改", "This custom field can't be changed by the user");
    public static readonly ErrorCode CustomFieldValueTaken = new(2026, "该自定义字段值已被使用", "This value of a unique custom field is already used");
    public static readonly ErrorCode AppAccessDenied = new(2604, "用户没有访问此应用的权限", "This user is not allowed to use this application");
    public static readonly ErrorCode CannotLinkSameAccount = new(2605, "不能绑定同一个账号", "The primary and the secondary account are the same account");
    public static readonly ErrorCode InvalidCursor = new(2606, "分页游标不合法", "Invalid pagination cursor");
    // A value longer than its column (the model's HasMaxLength), refused before anything is written, on every
    // provider (Data/ColumnLengths). Thrown with a message naming the field and its limit, never the value.
    public static readonly ErrorCode ValueTooLong = new(2607, "字段值过长", "A value is too long");
    // A value holding U+0000 (NUL) or an unpaired surrogate: PostgreSQL can't store or even compare it in text (22021),
    // SQLite can, so both refuse it the same way before the database sees it (Data/StoredText).
    public static readonly ErrorCode UnstorableText = new(2608, "字段值含有无法保存的字符（U+0000 或不成对的代理项）", "A value contains a character that can't be stored (U+0000 or an unpaired surrogate)");
    // Platform refusals (issue 10): their own codes, never a login code such as 2058.
    public static readonly ErrorCode BodyTooLarge = new(4130, "请求体过大", "The request body is too large");
    public static readonly ErrorCode TooManyUploads = new(2071, "上传过于频繁，请稍后再试", "Too many uploads, try again later");
    public static readonly ErrorCode InvalidOrigin = new(2072, "安全域格式不正确，应为 https://host[:port]", "Each allowed origin must look like https://host[:port]");
    // External identity sources (issue 12): management (270x) and sign-in through a connection (271x).
    public static readonly ErrorCode ExtIdpNotFound = new(2700, "身份源不存在", "The identity source does not exist");
    public static readonly ErrorCode ExtIdpConnNotFound = new(2701, "身份源连接不存在或未启用", "The identity source connection does not exist or is disabled");
    public static readonly ErrorCode ExtIdpIdentifierTaken = new(2702, "连接唯一标识已被使用", "This connection identifier is already used");
    public static readonly ErrorCode ExtIdpFieldInvalid = new(2703, "身份源连接配置不合法", "Invalid identity source connection settings");
    public static readonly ErrorCode ExtIdpTypeUnsupported = new(2704, "暂不支持使用此类型的连接登录", "Signing in with this connection type is not supported yet");
    public static readonly ErrorCode ExtStateInvalid = new(2710, "登录请求已失效或不是从此浏览器发起，请重新登录", "This sign-in request expired, was already used or was not started in this browser: sign in again");
    public static readonly ErrorCode ExtProviderError = new(2711, "身份源返回错误，登录未完成", "The identity provider answered with an error: the sign-in did not complete");
    public static readonly ErrorCode ExtProviderUnreachable = new(2712, "无法连接身份源，请稍后再试", "The identity provider could not be reached: try again later");
    public static readonly ErrorCode ExtTokenInvalid = new(2713, "身份源返回的身份令牌无效", "The identity provider's id token is not valid for this connection");
    public static readonly ErrorCode ExtEmailNotVerified = new(2714, "该邮箱或手机号在身份源或本系统未验证，不能关联到已有账号", "This email or phone number is not verified (at the provider or here), so it can't be linked to an existing account");
    public static readonly ErrorCode ExtProfileInvalid = new(2715, "身份源返回的用户信息不完整", "The identity provider's user information is incomplete");
    // Pipeline functions, environment variables and the custom database (issue 13).
    public static readonly ErrorCode FunctionNotFound = new(2960, "函数不存在", "The pipeline function does not exist");
    public static readonly ErrorCode FunctionInvalid = new(2961, "函数不合法", "Invalid pipeline function");
    public static readonly ErrorCode PipelineRefused = new(2962, "扩展函数拒绝了此操作", "A pipeline function refused this");
    public static readonly ErrorCode PipelineFailed = new(2963, "扩展函数运行失败，操作已拒绝", "A pipeline function failed, so this was refused");
    public static readonly ErrorCode EnvInvalid = new(2964, "环境变量不合法", "Invalid environment variable");
    public static readonly ErrorCode TooManyFunctions = new(2965, "函数或环境变量数量已达上限", "This pool holds the most functions or environment variables allowed");
    public static readonly ErrorCode ExtLastSignInMethod = new(2716, "这是该账号唯一的登录方式，不能解绑", "This is the account's only way to sign in: it can't be unlinked");
    public static readonly ErrorCode ExtIdentityLinkedElsewhere = new(2717, "该身份已绑定到其他账号", "This identity is already linked to another account");
    public static readonly ErrorCode ExtIdentityNotLinked = new(2718, "未绑定该身份源", "No identity of this source is linked to the account");
    // A connection switched off for the app (or the tenant) it is used from: 2625 (issue 12's per-app connection state;
    // 26xx: the app's own rules, next to 2604 "no access to this app").
    public static readonly ErrorCode ExtIdpConnDisabledForApp = new(2625, "该身份源连接未在此应用中启用", "This identity source connection is not enabled for this application");
    // A connection of a tenant's identity source used from another tenant's app or outside tenants (issue 12).
    public static readonly ErrorCode ExtIdpConnOtherTenant = new(2626, "该身份源属于其他租户，不能在此使用", "This identity source belongs to another tenant and can't be used here");
    public static readonly ErrorCode Internal = new(5000, "服务器内部错误", "Internal server error");
}
