namespace Switchboard.Testing;

/// <summary>Mutation fuzzing: one to three random byte flips, insertions, deletions or truncations of a valid input.</summary>
public static class Mutations
{
    public static byte[] Mutate(byte[] valid, Random random)
    {
        var data = new List<byte>(valid);
        for (var m = random.Next(1, 4); m > 0 && data.Count > 0; m--)
        {
            var at = random.Next(data.Count);
            switch (random.Next(4))
            {
                case 0: data[at] = (byte)random.Next(256); break;
                case 1: data.Insert(at, (byte)random.Next(256)); break;
                case 2: data.RemoveAt(at); break;
                default: data.RemoveRange(at, data.Count - at); break;
            }
        }

        return [.. data];
    }
}
