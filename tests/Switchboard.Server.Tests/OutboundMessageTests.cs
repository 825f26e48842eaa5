using System.Buffers.Binary;
using Switchboard.Server.Protocol;

namespace Switchboard.Server.Tests;

public sealed class OutboundMessageTests
{
    [Theory]
    [InlineData(0, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65_535, 4)]
    [InlineData(65_536, 10)]
    public void Frame_AnyLength_HasTheShortestHeaderRfc6455AllowsAndThePayloadAfterIt(int length, int headerLength)
    {
        var message = OutboundMessage.Rent(length);
        message.WritableSpan.Fill((byte)'x');

        var frame = message.Frame.Span;

        Assert.Equal(headerLength + length, frame.Length);
        Assert.Equal(0x81, frame[0]);
        var declared = headerLength switch
        {
            2 => frame[1],
            4 => BinaryPrimitives.ReadUInt16BigEndian(frame[2..]),
            _ => (long)BinaryPrimitives.ReadUInt64BigEndian(frame[2..]),
        };
        Assert.Equal(length, declared);
        Assert.True(frame[headerLength..].IndexOfAnyExcept((byte)'x') < 0);
        message.Release();
    }

    [Fact]
    public void Truncate_AfterWriting_RewritesTheHeaderForTheNewLength()
    {
        var message = OutboundMessage.Rent(300);

        message.Truncate(100);

        Assert.Equal(102, message.Frame.Length);
        Assert.Equal(100, message.Frame.Span[1]);
        message.Release();
    }

    [Fact]
    public void Raw_CoalescedFrames_AreWrittenExactlyAsGiven()
    {
        byte[] frames = [0x81, 0x01, (byte)'a', 0x81, 0x01, (byte)'b'];

        var message = OutboundMessage.Raw(frames);

        Assert.Equal(frames, message.Frame.ToArray());
        Assert.False(message.IsControl);
        Assert.False(message.IsClose);
        message.Release();
    }

    [Fact]
    public void CopyOf_ControlOpcode_IsAControlFrame()
    {
        var message = OutboundMessage.CopyOf([1, 2], WebSocketOpcode.Ping);

        Assert.True(message.IsControl);
        Assert.Equal(new byte[] { 0x89, 0x02, 1, 2 }, message.Frame.ToArray());
        message.Release();
    }

    [Fact]
    public void Release_OnceMoreThanReferenced_Throws()
    {
        var message = OutboundMessage.Rent(4);

        message.Release();

        Assert.Throws<InvalidOperationException>(message.Release);
    }

    [Fact]
    public void Rent_AfterTheLastReleaseOfAnother_StartsWithOneReferenceAndItsOwnContent()
    {
        var first = OutboundMessage.CopyOf("first"u8);
        first.Release();

        var second = OutboundMessage.CopyOf("second"u8);
        var shared = second.AddReference();
        second.Release();

        Assert.Equal("second"u8.ToArray(), shared.Memory.ToArray());
        shared.Release();
        Assert.Throws<InvalidOperationException>(shared.Release);
    }
}
