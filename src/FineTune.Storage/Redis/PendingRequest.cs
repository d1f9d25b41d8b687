namespace FineTune.Storage.Redis;

/// <summary>
/// One command on its way to the server and the caller waiting for its reply. Continuations run
/// asynchronously so a caller can never stall the connection's reader loop.
/// </summary>
internal sealed class PendingRequest(string command, byte[] payload)
    : TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private byte[]? _payload = payload;

    /// <summary>The command name, for error messages (arguments are never included).</summary>
    public string Command { get; } = command;

    /// <summary>The encoded command; released once written so large values are not kept until the reply.</summary>
    public byte[] TakePayload()
    {
        var payload = _payload ?? throw new InvalidOperationException($"{Command} was already written.");
        _payload = null;
        return payload;
    }

    public void Complete(RedisResult result)
    {
        if (result.IsError) TrySetException(new RedisServerException(Command, result.ErrorMessage));
        else TrySetResult(result);
    }
}
