namespace Cloner.Infrastructure.Storage;

/// <summary>
/// The store cannot be opened or prepared. The message names where the store is (never a
/// password) and what to do about it.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null)
    : Exception(message, inner);
