namespace GenAuth.Core.Common;

/// <summary>A domain failure with a GenAuth code; transports map it to their error shape in one place each.</summary>
public sealed class GenAuthException(ErrorCode error, object? data = null, string? detail = null)
    : Exception(detail ?? error.EnUs)
{
    public ErrorCode Error { get; } = error;
    public object? Payload { get; } = data;
    public string? Detail { get; } = detail;

    public int Code => Error.Code;

    public string LocalizedMessage(string? lang) =>
        Detail is null ? Error.Message(lang) : $"{Error.Message(lang)}: {Detail}";
}
