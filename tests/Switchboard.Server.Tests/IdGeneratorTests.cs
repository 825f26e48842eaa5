namespace Switchboard.Server.Tests;

public sealed class IdGeneratorTests
{
    [Fact]
    public void NewId_Many_AreDistinctUrlSafeAnd22Characters()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => IdGenerator.NewId()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            Assert.Equal(IdGenerator.Length, id.Length);
            Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        });
    }
}
