namespace Switchboard.IntegrationTests.Robustness;

/// <summary>
/// Text frames a random session sends that are not valid messages, each with the error code the protocol
/// documents for it. <c>ROOM</c> is replaced by a room the session knows, so wrong-type and reserved-type
/// messages hit real rooms too.
/// </summary>
internal static class SessionGarbage
{
    public static readonly (string Text, string Code)[] Messages =
    [
        ("{\"type\":\"join\",\"roomId\":\"ROOM\"", "bad-json"),
        ("not json", "bad-json"),
        ("", "bad-json"),
        ("\uFEFF{\"type\":\"ping\"}", "bad-json"),
        ("{\"type\":\"ping\"} {}", "bad-json"),
        (string.Concat(Enumerable.Repeat("{\"a\":", 50)) + "1" + new string('}', 50), "bad-json"),
        ("{\"type\":\"candidate\",\"roomId\":\"ROOM\",\"payload\":\"\u0001\"}", "bad-json"),
        ("null", "bad-message"),
        ("42", "bad-message"),
        ("[{\"type\":\"join\",\"roomId\":\"ROOM\"}]", "bad-message"),
        ("{}", "bad-message"),
        ("{\"roomId\":\"ROOM\"}", "bad-message"),
        ("{\"type\":7,\"roomId\":\"ROOM\"}", "bad-message"),
        ("{\"type\":\"\"}", "bad-message"),
        ("{\"type\":\"join\",\"roomId\":123}", "bad-message"),
        ("{\"type\":\"join\"}", "bad-message"),
        ("{\"type\":\"candidate\",\"payload\":{}}", "bad-message"),
        ("{\"type\":\"candidate\",\"roomId\":\"ROOM\",\"to\":[1]}", "bad-message"),
        ("{\"type\":\"candidate\",\"roomId\":\"ROOM\",\"roomId\":\"ROOM\"}", "bad-message"),
        ("{\"type\":\"createRoom\",\"capacity\":\"2\"}", "bad-message"),
        ("{\"type\":\"createRoom\",\"capacity\":2.5}", "bad-message"),
        ("{\"type\":\"\\ud800\",\"roomId\":\"ROOM\"}", "bad-message"),
        ("{\"type\":\"peerLeft\",\"roomId\":\"ROOM\",\"peerId\":\"x\"}", "bad-message"),
        ("{\"type\":\"joined\",\"roomId\":\"ROOM\"}", "bad-message"),
        ("{\"type\":\"error\",\"roomId\":\"ROOM\",\"code\":\"room-full\"}", "bad-message"),
        ("{\"type\":\"candidate\",\"roomId\":\"\\u0000ROOM\"}", "room-not-found"),
        ("{\"type\":\"join\",\"roomId\":\"" + new string('r', 10_000) + "\"}", "room-not-found"),
    ];
}
