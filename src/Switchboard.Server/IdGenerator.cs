using System.Buffers.Text;
using System.Security.Cryptography;

namespace Switchboard.Server;

/// <summary>Room and peer ids: 128 bits from the OS CSPRNG as 22 base64url characters, so none can be guessed.</summary>
internal static class IdGenerator
{
    public const int Length = 22;

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
