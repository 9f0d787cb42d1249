using System.Collections.Concurrent;
using Cloner.Domain.Storage;

namespace Cloner.Tests.Web.Identity;

/// <summary>A user store in memory, unique on id and normalized name like the real ones.</summary>
internal sealed class InMemoryUserAccountStore : IUserAccountStore
{
    private readonly ConcurrentDictionary<string, UserAccount> _users = new();

    public int Updates { get; private set; }

    public Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        lock (_users)
        {
            if (_users.Values.Any(u => u.NormalizedUserName == user.NormalizedUserName))
            {
                return Task.FromResult(false);
            }

            return Task.FromResult(_users.TryAdd(user.Id, user));
        }
    }

    public Task UpdateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        _users[user.Id] = user;
        Updates++;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        _users.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    public Task<UserAccount?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_users.GetValueOrDefault(id));

    public Task<UserAccount?> FindByNormalizedNameAsync(
        string normalizedUserName, CancellationToken cancellationToken) =>
        Task.FromResult(
            _users.Values.FirstOrDefault(u => u.NormalizedUserName == normalizedUserName));

    public Task<int> CountAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_users.Count);

    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UserAccount>>(_users.Values.ToList());
}
