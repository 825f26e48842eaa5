namespace Switchboard.Server.Auth;

/// <summary>What one valid token allows, read from its claims once, when it is checked.</summary>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
/// <param name="CanCreate">False when <c>sb:create</c> is <c>false</c>.</param>
/// <param name="Rooms">The ids <c>sb:rooms</c> lists, as UTF-8; null when the claim is absent (any room).</param>
/// <param name="Identity">The JSON object other members see (<c>{"sub":…,"name":…}</c>); null when the token has neither claim.</param>
internal sealed record AuthGrant(DateTimeOffset ExpiresAt, bool CanCreate, byte[][]? Rooms, byte[]? Identity);
