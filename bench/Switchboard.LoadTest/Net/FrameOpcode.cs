namespace Switchboard.LoadTest.Net;

/// <summary>The RFC 6455 frame types (§5.2), by their opcode.</summary>
internal enum FrameOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}
