using Switchboard.Server.Auth;

namespace Switchboard.Server.Tests.Auth;

public sealed class AccessTokenQueryTests
{
    [Theory]
    [InlineData("?access_token=a.b.c", "a.b.c")]
    [InlineData("access_token=a.b.c", "a.b.c")]
    [InlineData("?room=x&access_token=a.b.c&x=1", "a.b.c")]
    [InlineData("?access_token=a%2Eb%2Ec", "a.b.c")]
    [InlineData("?access_token=", "")]
    [InlineData("?access_token", "")]
    public void Find_TokenPresent_ReturnsItUnescaped(string query, string expected)
    {
        Assert.Equal(expected, AccessTokenQuery.Find(query, out var duplicated));
        Assert.False(duplicated);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?access_tokens=a.b.c")]
    [InlineData("?x_access_token=a.b.c")]
    public void Find_NoTokenParameter_ReturnsNull(string? query)
    {
        Assert.Null(AccessTokenQuery.Find(query, out var duplicated));
        Assert.False(duplicated);
    }

    [Fact]
    public void Find_TwoTokens_Duplicated()
    {
        Assert.Null(AccessTokenQuery.Find("?access_token=a&access_token=b", out var duplicated));
        Assert.True(duplicated);
    }
}
