using GenAuth.Core.Users;

namespace GenAuth.Tests.Accounts;

/// <summary>Only input shaped like a phone number is handed to the phone parser (a login by email or username never is).</summary>
public sealed class PhoneShapeTests
{
    [Theory]
    [InlineData("13800138000", true)]
    [InlineData("+8613800138000", true)]
    [InlineData("+86 138-0013-8000", true)]
    [InlineData("(021) 6123.4567", true)]
    [InlineData("someone@example.com", false)]
    [InlineData("alice", false)]
    [InlineData("user123456", false)]
    [InlineData("1234", false)]
    [InlineData("138+00138000", false)]
    [InlineData("", false)]
    public void CouldBePhone(string input, bool expected) => Assert.Equal(expected, Validation.CouldBePhone(input));

    [Fact]
    public void AnEmailIsLookedUpAsItIsWithoutParsing() =>
        Assert.Equal("someone@example.com", Validation.PhoneLookup(" someone@example.com "));
}
