using System.Text;
using System.Xml.Linq;
using GenAuth.Core.Security;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace GenAuth.Server.Pages;

/// <summary>
/// Seals the DataProtection key ring (antiforgery and the QR tab's cookie) with the master key before it is written to
/// the data directory, like every other secret at rest: a copied data directory without the master key forges nothing.
/// </summary>
public sealed class SealedKeyXmlEncryptor(SecretSealer sealer) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        return new EncryptedXmlInfo(new XElement("sealedKey", Convert.ToBase64String(sealer.Seal(plain))), typeof(SealedKeyXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="SealedKeyXmlEncryptor"/> sealed (created by DataProtection with the app's services).</summary>
public sealed class SealedKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(Encoding.UTF8.GetString(services.GetRequiredService<SecretSealer>().Unseal(Convert.FromBase64String(encryptedElement.Value))));
}
