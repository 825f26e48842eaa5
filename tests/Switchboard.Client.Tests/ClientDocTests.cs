using System.Reflection;
using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>docs/client.md tells the truth: its complete example is the file these tests compile and run, and its options table names every option.</summary>
public sealed class ClientDocTests
{
    private static readonly string _docPath = Path.Combine(SwitchboardProcess.RepositoryRoot, "docs", "client.md");

    [Fact]
    public void ClientDoc_CompleteExample_IsTheFileTheTestsCompile()
    {
        var doc = File.ReadAllText(_docPath).ReplaceLineEndings("\n");
        var section = doc.IndexOf("## A complete example", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/client.md has no '## A complete example' section");
        var start = doc.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = doc.IndexOf("\n```\n", start, StringComparison.Ordinal) + 1;
        var example = doc[start..end];

        var compiled = File.ReadAllText(Path.Combine(SwitchboardProcess.RepositoryRoot, "tests", "Switchboard.Client.Tests", "DocExample", "Hello.cs")).ReplaceLineEndings("\n");
        Assert.Equal(compiled, example);
    }

    [Fact]
    public async Task ClientDoc_CompleteExample_BobHearsAlice()
    {
        await using var server = await TestServer.StartAsync();

        var said = await QuickStart.Hello.RunAsync(server.WebSocketAddress).DefaultTimeout();

        Assert.Matches("^[A-Za-z0-9_-]{22} says hello, Bob$", said);
    }

    [Fact]
    public void ClientDoc_OptionsTable_NamesEveryOptionOnce()
    {
        var doc = File.ReadAllText(_docPath);
        var options = typeof(SwitchboardClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null)
            .Select(p => p.Name);

        Assert.All(options, name => Assert.Single(doc.Split('\n'), line => line.StartsWith($"| `{name}` |", StringComparison.Ordinal)));
    }
}
