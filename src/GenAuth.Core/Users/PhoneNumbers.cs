using GenAuth.Core.Common;
using PhoneNumbers;

namespace GenAuth.Core.Users;

/// <summary>A validated phone number: E.164 for delivery and code binding; country code and national number as GenAuth stores them.</summary>
public sealed record Phone(string E164, string CountryCode, string National);

public static class PhoneNumbersParser
{
    public const string DefaultCountryCode = "+86";
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Parses a number ("+8613812345678", or "13812345678" with "+86"); an invalid one is GenAuth's 500 (invalid phone format).</summary>
    public static Phone Require(string? phone, string? countryCode)
    {
        var raw = phone?.Trim();
        if (string.IsNullOrEmpty(raw) || raw.Length > 32)
            throw new GenAuthException(ErrorCodes.InvalidPhone);
        var cc = string.IsNullOrWhiteSpace(countryCode) ? DefaultCountryCode : countryCode.Trim();
        if (!cc.StartsWith('+'))
            cc = "+" + cc;
        try
        {
            PhoneNumber parsed;
            if (raw.StartsWith('+'))
            {
                parsed = Util.Parse(raw, null);
            }
            else
            {
                if (!int.TryParse(cc[1..], out var ccNumber))
                    throw new GenAuthException(ErrorCodes.InvalidPhone);
                var region = Util.GetRegionCodeForCountryCode(ccNumber);
                parsed = Util.Parse(raw, region);
            }
            if (!Util.IsValidNumber(parsed))
                throw new GenAuthException(ErrorCodes.InvalidPhone);
            return new Phone(Util.Format(parsed, PhoneNumberFormat.E164), "+" + parsed.CountryCode,
                Util.GetNationalSignificantNumber(parsed));
        }
        catch (NumberParseException)
        {
            throw new GenAuthException(ErrorCodes.InvalidPhone);
        }
    }
}
