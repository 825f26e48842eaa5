namespace Switchboard.BrowserTests;

/// <summary>
/// All browser scenarios share one Chromium and run one after another: each call already keeps both
/// cores busy encoding and decoding video.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
