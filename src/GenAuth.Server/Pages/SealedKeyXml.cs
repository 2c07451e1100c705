using System.Text;
using System.Xml.Linq;
using GenAuth.Core.Security;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace GenAuth.Server.Pages;

/// <summary>
/// The DataProtection key ring (antiforgery tokens, the QR tab's cookie) as files under the data directory, each
/// element sealed with the master key like every other secret at rest: a copied data directory without the master
/// key forges nothing. (Sealing at the repository, so no key element is ever written in plain form.)
/// </summary>
public sealed class SealedXmlRepository(IXmlRepository inner, SecretSealer sealer) : IXmlRepository
{
    private const string Sealed = "sealedKey";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        inner.GetAllElements()
            .Select(e => e.Name.LocalName == Sealed
                ? XElement.Parse(Encoding.UTF8.GetString(sealer.Unseal(Convert.FromBase64String(e.Value))))
                : e)
            .ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        var plain = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting));
        inner.StoreElement(new XElement(Sealed, Convert.ToBase64String(sealer.Seal(plain))), friendlyName);
    }
}
