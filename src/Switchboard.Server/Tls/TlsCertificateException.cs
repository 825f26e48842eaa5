namespace Switchboard.Server.Tls;

/// <summary>A certificate or key file that cannot be used; the message is one line naming the key and the file.</summary>
public sealed class TlsCertificateException : Exception
{
    public TlsCertificateException(string message, string path)
        : base(message)
    {
        Path = path;
    }

    public TlsCertificateException()
    {
        Path = string.Empty;
    }

    public TlsCertificateException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    public TlsCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>The file at fault.</summary>
    public string Path { get; }
}
