using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cloner.Infrastructure.Blueprints;

/// <summary>
/// Finds the line of a key path such as <c>components[1].name</c> or <c>ports.http</c> in a
/// parsed YAML tree, so problems found after parsing still point at a line.
/// </summary>
internal static partial class YamlPath
{
    [GeneratedRegex(@"^(?<key>[^.\[\]]*)(?:\[(?<index>\d+)\])?$")]
    private static partial Regex Segment();

    /// <summary>The line of the deepest node the path reaches (at worst the root's).</summary>
    public static long Find(YamlNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var match = Segment().Match(part);
            if (!match.Success || Step(node, match) is not { } next)
            {
                break;
            }

            node = next;
        }

        return node.Start.Line;
    }

    private static YamlNode? Step(YamlNode node, Match segment)
    {
        var key = segment.Groups["key"].Value;
        if (key.Length > 0)
        {
            if (node is not YamlMappingNode mapping
                || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var value))
            {
                return null;
            }

            node = value;
        }

        if (!segment.Groups["index"].Success)
        {
            return node;
        }

        var index = int.Parse(segment.Groups["index"].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        return node is YamlSequenceNode sequence && index < sequence.Children.Count
            ? sequence.Children[index]
            : null;
    }
}
