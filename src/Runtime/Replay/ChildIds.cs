using System.Security.Cryptography;
using System.Text;

namespace Steadfast.Runtime.Replay;

/// <summary>Derives a child workflow's id from its parent's id and the step, within the id rules (at most 128 characters).</summary>
internal static class ChildIds
{
    public static string Derive(string parentId, int sequence)
    {
        var id = $"{parentId}.{sequence}";
        if (id.Length <= 128) return id;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(parentId)))[..16].ToLowerInvariant();
        return $"{parentId[..96]}.{hash}.{sequence}";
    }
}
