using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Switchboard.Server.Seats;

/// <summary>
/// A seat's resume token: 128 bits from the OS CSPRNG, sent as 22 base64url characters. Kept as a
/// <see cref="UInt128"/> so a seat holds it in 16 bytes and a look-up hashes no string.
/// </summary>
internal static class ResumeToken
{
    /// <summary>Characters of a token in a message.</summary>
    public const int Length = 22;

    public static UInt128 New()
    {
        Span<byte> bytes = stackalloc byte[16];
        UInt128 token;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            token = BinaryPrimitives.ReadUInt128LittleEndian(bytes);
        }
        while (token == UInt128.Zero);

        return token;
    }

    /// <summary>Writes <paramref name="token"/> as base64url into <paramref name="utf8"/> (at least <see cref="Length"/> bytes).</summary>
    public static void Format(UInt128 token, Span<byte> utf8)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(bytes, token);
        Base64Url.EncodeToUtf8(bytes, utf8);
    }

    /// <summary>The token <paramref name="text"/> spells, or false when it cannot be one (wrong length or alphabet).</summary>
    public static bool TryParse(string text, out UInt128 token)
    {
        token = UInt128.Zero;
        if (text.Length != Length)
        {
            return false;
        }

        // Decoded with a status, not the Try… form, which throws on a character outside the alphabet.
        Span<byte> bytes = stackalloc byte[16];
        if (Base64Url.DecodeFromChars(text, bytes, out _, out var written) != OperationStatus.Done || written != 16)
        {
            return false;
        }

        token = BinaryPrimitives.ReadUInt128LittleEndian(bytes);
        return token != UInt128.Zero;
    }
}
