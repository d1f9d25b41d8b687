using FineTune.Storage.Artifacts;

namespace FineTune.ServiceDefaults.Storage;

/// <summary>Documents numbered 1, 2, 3… (dataset versions, model versions) that several writers add at once.</summary>
public static class NumberedDocuments
{
    private const int MaxRaces = 20;

    /// <summary>
    /// Makes the document numbered one past the highest there is and writes it create-only; when another
    /// writer took that number first, reads the highest again and takes the next, so each writer ends up
    /// with its own number and no number is written twice.
    /// </summary>
    public static async Task<T> CreateNextAsync<T>(Func<CancellationToken, Task<int>> highest, Func<int, T> make,
        Func<T, CancellationToken, Task> createOnly, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var next = make(await highest(cancellationToken) + 1);
            try
            {
                await createOnly(next, cancellationToken);
                return next;
            }
            catch (ArtifactPreconditionFailedException) when (attempt < MaxRaces)
            {
                // another writer took this number first; take the next
            }
        }
    }
}
