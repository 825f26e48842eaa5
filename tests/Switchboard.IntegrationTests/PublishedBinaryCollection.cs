namespace Switchboard.IntegrationTests;

/// <summary>Tests that share one published binary, so eng/publish.sh runs once per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedBinaryCollection : ICollectionFixture<PublishedBinary>
{
    public const string Name = "Published binary";
}
