using GenAuth.Core.Users;

namespace GenAuth.Core.Mfa;

/// <summary>A login completed with a recovery code: the user with token, and the recovery code that replaced the one spent.</summary>
public sealed record RecoveryLogin(UserView User, string RecoveryCode);

/// <summary>An enrolled factor; User (with token) is set when the enrolment answered a login's mfaToken.</summary>
public sealed record EnrolledFactor(FactorView Factor, UserView? User);
