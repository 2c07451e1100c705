using GenAuth.Core.Mfa;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Mfa;

/// <summary>The signed-in user's MFA factors (GenAuth V3 names).</summary>
public sealed class MfaQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MfaFactorType>>>>("listEnrolledFactors")
            .UserAccess()
            .Description("The caller's enrolled MFA factors.")
            .ResolveAsync(async c => await c.Service<MfaEnrollmentService>().ListEnrolledFactorsAsync(c.CancellationToken));
        q.Field<NonNullGraphType<MfaFactorType>>("getFactor")
            .UserAccess()
            .Description("One of the caller's enrolled factors.")
            .Argument<NonNullGraphType<StringGraphType>>("factorId")
            .ResolveAsync(async c => await c.Service<MfaEnrollmentService>().GetFactorAsync(
                c.GetArgument<string>("factorId"), c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<FactorToEnrollType>>>>("listFactorsToEnroll")
            .UserAccess()
            .Description("Factor types the caller can still enrol.")
            .ResolveAsync(async c => await c.Service<MfaEnrollmentService>().ListFactorsToEnrollAsync(c.CancellationToken));
    }
}
