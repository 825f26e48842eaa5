namespace Switchboard.Server.Admission;

/// <summary>What <see cref="OriginPolicy"/> makes of an upgrade's Origin.</summary>
internal enum OriginVerdict
{
    Allowed,

    /// <summary>From a page that is neither this server's nor listed.</summary>
    Foreign,

    /// <summary>No Origin, while <see cref="SwitchboardOptions.RequireOrigin"/> asks for one.</summary>
    Missing,
}
