using Switchboard.LoadTest.Net;

namespace Switchboard.LoadTest.Dialects;

/// <summary>The steps every dialect's setup is made of.</summary>
internal static class DialectHelpers
{
    /// <summary>How long one setup step may wait for the server's answer.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Opens two connections at once; if either fails, the other is dropped.</summary>
    public static async Task<(LoadClient First, LoadClient Second)> ConnectTwoAsync(ClientConnector connector, Uri first, Uri second, CancellationToken cancellationToken)
    {
        var a = connector.ConnectAsync(first, cancellationToken);
        var b = connector.ConnectAsync(second, cancellationToken);
        try
        {
            await Task.WhenAll(a, b);
        }
        catch
        {
            if (a.IsCompletedSuccessfully)
            {
                a.Result.Abort();
            }

            if (b.IsCompletedSuccessfully)
            {
                b.Result.Abort();
            }

            throw;
        }

        return (a.Result, b.Result);
    }

    /// <summary>Reads messages until one of <paramref name="type"/> arrives; an error from the server fails the step.</summary>
    public static async Task<byte[]> WaitForAsync(LoadClient client, string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await client.ReceiveMessageAsync(StepTimeout, cancellationToken);
            var received = MessageFields.GetString(message, "type");
            if (received == type)
            {
                return message;
            }

            if (received is "error" or "ERROR" or "ID-TAKEN")
            {
                throw new SetupException($"the server answered {MessageFields.Describe(message)} while {type} was expected");
            }
        }
    }

    public static void AbortAll(IEnumerable<LoadClient> clients)
    {
        foreach (var client in clients)
        {
            client.Abort();
        }
    }
}
