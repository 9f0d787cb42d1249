using Cloner.Domain.Provisioning;
using Cloner.Tests.TestHost;

namespace Cloner.Tests.Recovery;

/// <summary>
/// The rows of the kill-after-step runs: which step, what of the broken clone was left when
/// Cloner died and what was left once the next Cloner had recovered. Rewritten to
/// <c>TestResults/fault-injection.md</c> after every row, in step order.
/// </summary>
public static class FaultTable
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, (string Before, string After)> s_rows = [];

    public static string Record(string operation, string step, string before, string after)
    {
        lock (s_gate)
        {
            s_rows[$"{operation}:{step}"] = (before, after);
            var text = Render();
            var path = Path.Combine(RepoLayout.ResultsDir, "fault-injection.md");
            Directory.CreateDirectory(RepoLayout.ResultsDir);
            File.WriteAllText(path, text);
            return text;
        }
    }

    private static string Render()
    {
        var order = Steps.CreateOrder.Select(s => $"{Operations.Create}:{s}")
            .Concat(Steps.DeleteOrder.Select(s => $"{Operations.Delete}:{s}"))
            .ToList();
        var lines = new List<string>
        {
            "# Fault injection: Cloner killed with SIGKILL right after a step",
            "",
            "What of the broken clone was left when Cloner died, and after the next start.",
            "",
            "| step | left before recovery | left after recovery |",
            "|---|---|---|",
        };
        lines.AddRange(order.Where(s_rows.ContainsKey)
            .Select(key => $"| {key} | {s_rows[key].Before} | {s_rows[key].After} |"));
        return string.Join('\n', lines) + "\n";
    }
}
