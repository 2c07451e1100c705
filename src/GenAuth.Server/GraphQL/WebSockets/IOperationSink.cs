using GraphQL;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>How a subprotocol reports one operation's outcome.</summary>
public interface IOperationSink
{
    Task NextAsync(string id, ExecutionResult result);

    /// <summary>The operation ended without running: bad document, expired session, limits, or a server fault.</summary>
    Task ErrorAsync(string id, ExecutionResult result);

    Task CompleteAsync(string id);
}

public enum StartOutcome
{
    Started,
    DuplicateId,
    TooMany,
}
