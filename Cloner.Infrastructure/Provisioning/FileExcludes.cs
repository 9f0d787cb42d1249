using System.Text;
using System.Text.RegularExpressions;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// The <c>files.exclude</c> globs of a blueprint, read the way .gitignore reads them: a pattern
/// ending in <c>/</c> matches folders only; a pattern without any other <c>/</c> matches a name
/// at any depth (<c>*.pyc</c>, <c>.env</c>); one with a <c>/</c> matches the path from the
/// blueprint folder (<c>data/cache</c>). <c>*</c> and <c>?</c> stay inside one name, <c>**</c>
/// crosses folders.
/// </summary>
public sealed class FileExcludes
{
    private readonly List<(Regex Pattern, bool FoldersOnly, bool WholePath)> _rules = [];

    public FileExcludes(IEnumerable<string> globs)
    {
        foreach (var raw in globs)
        {
            var glob = raw.Trim();
            if (glob.Length == 0)
            {
                continue;
            }

            var foldersOnly = glob.EndsWith('/');
            glob = glob.TrimEnd('/');
            var wholePath = glob.Contains('/');
            glob = glob.TrimStart('/');
            if (glob.Length > 0)
            {
                _rules.Add((ToRegex(glob), foldersOnly, wholePath));
            }
        }
    }

    /// <summary>
    /// Whether the entry at <paramref name="relativePath"/> ('/'-separated) is left out.
    /// </summary>
    public bool IsExcluded(string relativePath, bool isFolder)
    {
        var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        foreach (var (pattern, foldersOnly, wholePath) in _rules)
        {
            if (foldersOnly && !isFolder)
            {
                continue;
            }

            if (pattern.IsMatch(wholePath ? relativePath : name))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/')
                {
                    // "a/**/b" matches "a/b" as well as "a/x/y/b".
                    pattern.Append("(?:.*/)?");
                    i++;
                }
                else
                {
                    pattern.Append(".*");
                }

                continue;
            }

            pattern.Append(c switch
            {
                '*' => "[^/]*",
                '?' => "[^/]",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
