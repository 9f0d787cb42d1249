using System.Runtime.InteropServices;

namespace Cloner.Tests.Processes;

/// <summary>
/// Lowers this test process's soft RLIMIT_NOFILE for a moment, so that every new descriptor
/// of every thread fails with EMFILE; only for tests of the collection
/// <see cref="OpenFilesAtLimitCollection"/>, which run alone.
/// </summary>
internal static class DescriptorLimit
{
    private const int NoFileResource = 7; // RLIMIT_NOFILE

    /// <summary>
    /// Runs <paramref name="body"/> with the soft limit lowered to <paramref name="soft"/>.
    /// </summary>
    public static T At<T>(ulong soft, Func<T> body)
    {
        Check(getrlimit(NoFileResource, out var saved));
        var lowered = saved with { Soft = soft };
        Check(setrlimit(NoFileResource, ref lowered));
        try
        {
            return body();
        }
        finally
        {
            Check(setrlimit(NoFileResource, ref saved));
        }
    }

    /// <summary>The same as <see cref="At{T}"/>, for a body that awaits.</summary>
    public static async Task<T> AtAsync<T>(ulong soft, Func<Task<T>> body)
    {
        Check(getrlimit(NoFileResource, out var saved));
        var lowered = saved with { Soft = soft };
        Check(setrlimit(NoFileResource, ref lowered));
        try
        {
            return await body();
        }
        finally
        {
            Check(setrlimit(NoFileResource, ref saved));
        }
    }

    /// <summary>The same, for a body that answers nothing.</summary>
    public static Task AtAsync(ulong soft, Func<Task> body) =>
        AtAsync(soft, async () =>
        {
            await body();
            return true;
        });

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException(
                $"getrlimit/setrlimit failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Soft, ulong Hard);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out ResourceLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref ResourceLimit limit);
}
