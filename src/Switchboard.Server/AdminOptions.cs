namespace Switchboard.Server;

/// <summary>The live dashboard at <c>/admin</c> (<c>Switchboard:Admin</c>).</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// The secret the dashboard asks for. Default none: <c>/admin</c> does not exist (404). At least 16
    /// characters when set; it never appears in a log.
    /// </summary>
    public string? Token { get; set; }
}
