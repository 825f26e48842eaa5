using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Admission;

/// <summary>Why an upgrade is not taken: the HTTP status and one line for the client, and how metrics count it.</summary>
internal readonly record struct UpgradeRefusal(int Status, string Reason, HandshakeResult Result);
