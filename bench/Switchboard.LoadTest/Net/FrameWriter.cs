using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Switchboard.LoadTest.Net;

/// <summary>Formats client frames (RFC 6455 §5.2): always final, always masked, as a client's must be.</summary>
internal static class FrameWriter
{
    /// <summary>2 bytes, up to 8 of extended length, 4 of mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>Writes the whole frame into <paramref name="destination"/> and returns its length.</summary>
    public static int Write(Span<byte> destination, FrameOpcode opcode, ReadOnlySpan<byte> payload, uint mask)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        int at;
        if (payload.Length < 126)
        {
            destination[1] = (byte)(0x80 | payload.Length);
            at = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            at = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            at = 10;
        }

        // The key is stored in native byte order and applied in native-order words below, so the two agree
        // whatever the machine's endianness.
        MemoryMarshal.Write(destination[at..], in mask);
        var key = destination.Slice(at, 4);
        Mask(payload, destination.Slice(at + 4, payload.Length), mask, key);
        return at + 4 + payload.Length;
    }

    // Copying and masking are one pass: the payload is read once and written once.
    private static void Mask(ReadOnlySpan<byte> source, Span<byte> destination, uint mask, ReadOnlySpan<byte> key)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vector = Vector.AsVectorByte(new Vector<uint>(mask));
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(source[i..]) ^ vector).CopyTo(destination[i..]);
            }
        }

        var word = ((ulong)mask << 32) | mask;
        for (; i <= source.Length - sizeof(ulong); i += sizeof(ulong))
        {
            MemoryMarshal.Write(destination[i..], MemoryMarshal.Read<ulong>(source[i..]) ^ word);
        }

        // Every step above is a multiple of 4 bytes, so the key's phase here is i & 3.
        for (; i < source.Length; i++)
        {
            destination[i] = (byte)(source[i] ^ key[i & 3]);
        }
    }
}
