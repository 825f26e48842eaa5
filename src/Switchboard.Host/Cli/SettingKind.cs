namespace Switchboard.Host.Cli;

/// <summary>What a flag's value must look like; checked while parsing, so a bad value never reaches the host.</summary>
internal enum SettingKind
{
    Text,
    Port,
    Integer,
    Long,
    Duration,
    Boolean,
    AbsoluteUrl,
    ExistingFile,
    List,
    IceServerList,
    LogFormat,
}
