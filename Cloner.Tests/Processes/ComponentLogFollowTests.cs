using Cloner.Domain.Live;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>
/// A component log whose second stream cannot be followed (here its folder is a symbolic link
/// loop; at the open-files limit it is EMFILE) lets go of the first stream's tail too.
/// </summary>
public sealed class ComponentLogFollowTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloner-follow-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Follow_SecondStreamUnreadable_FirstTailReleasedToo()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "out"));
        File.CreateSymbolicLink(Path.Combine(_folder, "err"), "err");
        var log = new ComponentLog("bot1", "bot", _folder, 100, new CloneFeed(),
            TimeProvider.System, NullLogger.Instance);
        try
        {
            Assert.ThrowsAny<IOException>(log.Follow);
            await log.ReleaseAsync();

            // A tail left running would read this into the ring, within a second at most.
            await File.WriteAllTextAsync(ComponentLog.CurrentPath(_folder, isError: false),
                "@400000006930000000000000 written after the release\n");
            await Task.Delay(TimeSpan.FromSeconds(2));

            Assert.Equal(0, log.Ring.Count);
        }
        finally
        {
            await log.DisposeAsync();
        }
    }
}
