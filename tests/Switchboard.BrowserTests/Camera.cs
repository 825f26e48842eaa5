namespace Switchboard.BrowserTests;

/// <summary>What a person's browser says when the page asks for the camera and microphone.</summary>
public enum Camera
{
    /// <summary>Yes: Chromium's fake camera and microphone.</summary>
    Allowed,

    /// <summary>No, every time (getUserMedia fails with NotAllowedError).</summary>
    Denied,

    /// <summary>No at first, yes when asked again later.</summary>
    DeniedAtFirst,
}
