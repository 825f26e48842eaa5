using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Admission;

/// <summary>
/// Why an upgrade is not taken: the HTTP status and one line for the client, how metrics count it, and how
/// many seconds to ask the client to wait (<c>Retry-After</c>; 0 for none, as for 403: waiting does not help).
/// </summary>
internal readonly record struct UpgradeRefusal(int Status, string Reason, HandshakeResult Result, int RetryAfterSeconds = UpgradeAdmission.RetryAfterSeconds);
