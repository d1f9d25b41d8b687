using System.Diagnostics;

namespace FineTune.EndToEnd.Tests;

/// <summary>
/// Polling with a deadline: every wait in these specs names what it waited for, what it saw last
/// and the AppHost's output of the resources involved, so a stuck pipeline fails with a reason.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Calls <paramref name="probe"/> until it returns a value. A probe that throws an HTTP error or
    /// times out counts as "not yet": services restart under these specs.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan timeout, Suite suite, params string[] resources)
        where T : struct
    {
        var found = await ReferenceAsync(async () => await probe() is { } value ? new Box<T>(value) : null, what, timeout, suite, resources);
        return found.Value;
    }

    /// <inheritdoc cref="ValueAsync{T}"/>
    public static async Task<T> ReferenceAsync<T>(Func<Task<T?>> probe, string what, TimeSpan timeout, Suite suite, params string[] resources)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var last = "nothing yet";
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
                last = "not yet";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }
            catch (NotYetException e)
            {
                last = e.Message;
            }
            if (deadline.Elapsed > timeout)
                Assert.Fail($"gave up after {timeout.TotalSeconds:0} s waiting for {what}; last seen: {last}.\nAppHost output ({(resources.Length == 0 ? "all" : string.Join(", ", resources))}):\n{suite.Tail(resources)}");
            await Task.Delay(Interval);
        }
    }

    private sealed record Box<T>(T Value);
}

/// <summary>Thrown by a probe to say what it saw instead of what it waits for; the wait goes on.</summary>
public sealed class NotYetException(string seen) : Exception(seen);
