using Switchboard.LoadTest.Targets;

namespace Switchboard.LoadTest.Dialects;

internal static class LoadDialects
{
    public static ILoadDialect For(LoopbackTarget target) => target.Kind switch
    {
        ServerKind.PeerJs => new PeerJsDialect(target.Uri),
        _ => new SeedProtocolDialect(target.Kind, target.Uri),
    };
}
