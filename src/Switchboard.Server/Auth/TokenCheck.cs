namespace Switchboard.Server.Auth;

/// <summary>The outcome of checking one token: a grant, or why not in words safe to show and log (never the token).</summary>
internal readonly record struct TokenCheck(AuthGrant? Grant, string? Failure)
{
    public static TokenCheck Fail(string failure) => new(null, failure);
}
