using System.Globalization;
using System.Text;
using Cloner.Domain.Blueprints;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cloner.Infrastructure.Blueprints;

/// <summary>
/// Parses one <c>blueprint.yaml</c> into a <see cref="Blueprint"/>, collecting every problem
/// (the file, the key path such as <c>components[1].stopTimeout</c> and the line) instead of
/// stopping at the first, so an operator can fix the file in one go.
/// </summary>
internal sealed class BlueprintFile
{
    private static readonly string[] RootKeys =
        ["name", "title", "clonePrefix", "inputs", "ports", "files", "database", "env", "nginx",
            "components"];

    private static readonly string[] InputKeys = ["key", "label", "required", "secret", "pattern"];

    private static readonly string[] ComponentKeys =
        ["name", "command", "args", "stopTimeout", "startSeconds", "autostart", "restart"];

    private readonly string _folder;
    private readonly string _file;
    private readonly List<BlueprintProblem> _problems = [];
    private readonly List<string> _filesRead = [];

    private BlueprintFile(string folder, string file)
    {
        _folder = folder;
        _file = file;
        _filesRead.Add(file);
    }

    internal sealed record Result(
        Blueprint? Blueprint,
        IReadOnlyList<BlueprintProblem> Problems,
        IReadOnlyList<string> FilesRead);

    public static Result Parse(string folder, string file)
    {
        var parser = new BlueprintFile(folder, file);
        var blueprint = parser.ParseFile();
        return new Result(
            parser._problems.Count == 0 ? blueprint : null,
            parser._problems,
            parser._filesRead);
    }

    private Blueprint? ParseFile()
    {
        if (LoadRoot() is not { } root)
        {
            return null;
        }

        var blueprint = ReadBlueprint(root);
        // A key already reported while parsing (missing, wrong shape) holds a stand-in value
        // that the rules would only report again.
        var reported = _problems.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, message) in BlueprintRules.Check(blueprint))
        {
            if (!reported.Contains(key))
            {
                Problem(key, YamlPath.Find(root, key), message);
            }
        }

        return blueprint;
    }

    private YamlMappingNode? LoadRoot()
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(_file, Encoding.UTF8);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException ?? e).Message;
            _problems.Add(new BlueprintProblem(_file, "(file)",
                $"line {e.Start.Line}, column {e.Start.Column}: not valid YAML: {reason}"));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new BlueprintProblem(_file, "(file)", $"cannot be read: {e.Message}"));
            return null;
        }

        if (stream.Documents.Count != 1
            || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            _problems.Add(new BlueprintProblem(_file, "(file)",
                "must hold one YAML document whose top level is a mapping (name:, title:, ...)"));
            return null;
        }

        return root;
    }

    private Blueprint ReadBlueprint(YamlMappingNode root)
    {
        CheckKeys(root, "", RootKeys);
        var name = RequiredString(root, "", "name") ?? "";
        return new Blueprint
        {
            Name = name,
            Title = OptionalString(root, "", "title") ?? name,
            ClonePrefix = RequiredString(root, "", "clonePrefix") ?? "",
            Folder = _folder,
            Inputs = ReadInputs(root),
            Ports = ReadPorts(root),
            FileExcludes = ReadFileExcludes(root),
            SchemaSql = ReadReferencedFile(root, "database", "schema"),
            Env = ReadEnv(root),
            NginxTemplate = ReadReferencedFile(root, "nginx", "template"),
            Components = ReadComponents(root),
        };
    }

    private List<BlueprintInput> ReadInputs(YamlMappingNode root)
    {
        var inputs = new List<BlueprintInput>();
        var items = Child<YamlSequenceNode>(root, "", "inputs", "a list of inputs");
        for (var i = 0; items is not null && i < items.Children.Count; i++)
        {
            var path = $"inputs[{i}]";
            if (Expect<YamlMappingNode>(items.Children[i], path, "a mapping with key:, label:")
                is not { } item)
            {
                continue;
            }

            CheckKeys(item, path, InputKeys);
            var key = RequiredString(item, path, "key") ?? "";
            inputs.Add(new BlueprintInput(
                key,
                OptionalString(item, path, "label") ?? key,
                OptionalBool(item, path, "required") ?? false,
                OptionalBool(item, path, "secret") ?? false,
                OptionalString(item, path, "pattern")));
        }

        return inputs;
    }

    private List<PortSlot> ReadPorts(YamlMappingNode root)
    {
        var slots = new List<PortSlot>();
        if (Child<YamlMappingNode>(root, "", "ports", "a mapping of port slots") is not { } ports)
        {
            return slots;
        }

        foreach (var (keyNode, valueNode) in ports.Children)
        {
            var slot = KeyText(keyNode);
            var path = $"ports.{slot}";
            if (Expect<YamlMappingNode>(valueNode, path, "a mapping like { from: 8100, to: 8999 }")
                is not { } range)
            {
                continue;
            }

            CheckKeys(range, path, ["from", "to"]);
            var from = RequiredInt(range, path, "from");
            var to = RequiredInt(range, path, "to");
            if (from is not null && to is not null)
            {
                slots.Add(new PortSlot(slot, from.Value, to.Value));
            }
        }

        return slots;
    }

    private List<string> ReadFileExcludes(YamlMappingNode root)
    {
        if (Child<YamlMappingNode>(root, "", "files", "a mapping with exclude:") is not { } files)
        {
            return [];
        }

        CheckKeys(files, "files", ["exclude"]);
        return StringList(files, "files", "exclude");
    }

    private List<EnvEntry> ReadEnv(YamlMappingNode root)
    {
        var entries = new List<EnvEntry>();
        if (Child<YamlMappingNode>(root, "", "env", "a mapping of KEY: template") is not { } env)
        {
            return entries;
        }

        foreach (var (keyNode, valueNode) in env.Children)
        {
            var key = KeyText(keyNode);
            var shape = "a text such as \"{{ ports.http }}\"";
            if (Expect<YamlScalarNode>(valueNode, $"env.{key}", shape) is { } value)
            {
                entries.Add(new EnvEntry(key, IsNull(value) ? "" : value.Value ?? ""));
            }
        }

        return entries;
    }

    private List<ComponentSpec> ReadComponents(YamlMappingNode root)
    {
        var components = new List<ComponentSpec>();
        var items = Child<YamlSequenceNode>(root, "", "components", "a list of components");
        for (var i = 0; items is not null && i < items.Children.Count; i++)
        {
            var path = $"components[{i}]";
            if (Expect<YamlMappingNode>(items.Children[i], path, "a mapping with name:, command:")
                is not { } item)
            {
                continue;
            }

            CheckKeys(item, path, ComponentKeys);
            var defaults = new ComponentSpec { Name = "", Command = "" };
            components.Add(new ComponentSpec
            {
                Name = RequiredString(item, path, "name") ?? "",
                Command = RequiredString(item, path, "command") ?? "",
                Args = StringList(item, path, "args"),
                StopTimeout = OptionalDuration(item, path, "stopTimeout", false)
                    ?? defaults.StopTimeout,
                StartSeconds = OptionalDuration(item, path, "startSeconds", true)
                    ?? defaults.StartSeconds,
                Autostart = OptionalBool(item, path, "autostart") ?? false,
                Restart = OptionalRestart(item, path) ?? defaults.Restart,
            });
        }

        return components;
    }

    /// <summary>
    /// Reads the text of a file named by <c>section.key</c> (such as <c>database.schema</c>);
    /// the file must lie inside the blueprint folder.
    /// </summary>
    private string? ReadReferencedFile(YamlMappingNode root, string section, string key)
    {
        if (Child<YamlMappingNode>(root, "", section, $"a mapping with {key}:") is not { } node)
        {
            return null;
        }

        CheckKeys(node, section, [key]);
        var path = $"{section}.{key}";
        if (RequiredString(node, section, key) is not { } relative)
        {
            return null;
        }

        var line = Line(node.Children[new YamlScalarNode(key)]);
        if (Inside(relative) is not { } full)
        {
            Problem(path, line,
                $"'{relative}' must be a file inside the blueprint folder {_folder}");
            return null;
        }

        _filesRead.Add(full);
        if (!File.Exists(full))
        {
            Problem(path, line, $"the file {full} does not exist; create it or fix the name");
            return null;
        }

        try
        {
            return File.ReadAllText(full, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problem(path, line, $"the file {full} cannot be read: {e.Message}");
            return null;
        }
    }

    /// <summary>The full path of a file named relative to the folder; null when outside.</summary>
    private string? Inside(string relative)
    {
        if (relative.Contains('\0') || Path.IsPathRooted(relative))
        {
            return null;
        }

        var folder = Path.TrimEndingDirectorySeparator(_folder) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(_folder, relative));
        if (!full.StartsWith(folder, StringComparison.Ordinal))
        {
            return null;
        }

        return LinksStayInside(folder, full) ? full : null;
    }

    /// <summary>
    /// Whether every symbolic link on the way from the folder to <paramref name="full"/> points
    /// inside the folder; a link that leads out of it would let a blueprint read any file.
    /// </summary>
    private static bool LinksStayInside(string folder, string full)
    {
        var current = folder.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var part in full[folder.Length..].Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current)
                ? new DirectoryInfo(current)
                : new FileInfo(current);
            if (!info.Exists || info.LinkTarget is null)
            {
                continue;
            }

            try
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null
                    || !target.FullName.StartsWith(folder, StringComparison.Ordinal))
                {
                    return false;
                }
            }
            catch (IOException)
            {
                return false;
            }
        }

        return true;
    }

    private void CheckKeys(YamlMappingNode node, string path, string[] allowed)
    {
        foreach (var keyNode in node.Children.Keys)
        {
            var key = KeyText(keyNode);
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                Problem(Join(path, key), Line(keyNode),
                    $"is not a known key; the keys here are {string.Join(", ", allowed)}");
            }
        }
    }

    private T? Child<T>(YamlMappingNode node, string path, string key, string shape)
        where T : YamlNode
    {
        if (!node.Children.TryGetValue(new YamlScalarNode(key), out var child))
        {
            return null;
        }

        if (child is YamlScalarNode scalar && IsNull(scalar))
        {
            return null;
        }

        return Expect<T>(child, Join(path, key), shape);
    }

    private T? Expect<T>(YamlNode node, string path, string shape)
        where T : YamlNode
    {
        if (node is T typed)
        {
            return typed;
        }

        Problem(path, Line(node), $"must be {shape}");
        return null;
    }

    private YamlScalarNode? Scalar(YamlMappingNode node, string path, string key, string shape)
    {
        var scalar = Child<YamlScalarNode>(node, path, key, shape);
        return scalar is null || IsNull(scalar) ? null : scalar;
    }

    private string? RequiredString(YamlMappingNode node, string path, string key)
    {
        var value = OptionalString(node, path, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            ReportMissing(node, path, key);
            return null;
        }

        return value;
    }

    /// <summary>Reports a required key that is absent or empty (a wrong shape is apart).</summary>
    private void ReportMissing(YamlMappingNode node, string path, string key)
    {
        if (!node.Children.TryGetValue(new YamlScalarNode(key), out var child))
        {
            Problem(Join(path, key), Line(node), "is required");
        }
        else if (child is YamlScalarNode scalar
            && (IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value)))
        {
            Problem(Join(path, key), Line(child), "is required and must not be empty");
        }
    }

    private string? OptionalString(YamlMappingNode node, string path, string key) =>
        Scalar(node, path, key, "a text")?.Value;

    private bool? OptionalBool(YamlMappingNode node, string path, string key)
    {
        if (Scalar(node, path, key, "true or false") is not { } scalar)
        {
            return null;
        }

        if (scalar.Style == ScalarStyle.Plain && bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        Problem(Join(path, key), Line(scalar), $"'{scalar.Value}' must be true or false");
        return null;
    }

    private int? RequiredInt(YamlMappingNode node, string path, string key)
    {
        if (Scalar(node, path, key, "a whole number") is not { } scalar)
        {
            ReportMissing(node, path, key);
            return null;
        }

        if (int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        Problem(Join(path, key), Line(scalar), $"'{scalar.Value}' must be a whole number");
        return null;
    }

    private TimeSpan? OptionalDuration(
        YamlMappingNode node,
        string path,
        string key,
        bool bareNumberIsSeconds)
    {
        if (Scalar(node, path, key, "a duration such as 10s") is not { } scalar)
        {
            return null;
        }

        if (Durations.TryParse(scalar.Value ?? "", bareNumberIsSeconds, out var duration))
        {
            return duration;
        }

        var example = bareNumberIsSeconds ? "3, 3s, 500ms or 1m" : "10s, 500ms or 2m";
        Problem(Join(path, key), Line(scalar),
            $"'{scalar.Value}' is not a duration; write a number and a unit, such as {example}");
        return null;
    }

    private RestartPolicy? OptionalRestart(YamlMappingNode node, string path)
    {
        if (Scalar(node, path, "restart", "always, on-failure or never") is not { } scalar)
        {
            return null;
        }

        RestartPolicy? policy = scalar.Value switch
        {
            "always" => RestartPolicy.Always,
            "on-failure" => RestartPolicy.OnFailure,
            "never" => RestartPolicy.Never,
            _ => null,
        };
        if (policy is null)
        {
            Problem(Join(path, "restart"), Line(scalar),
                $"'{scalar.Value}' must be always, on-failure or never");
        }

        return policy;
    }

    private List<string> StringList(YamlMappingNode node, string path, string key)
    {
        var values = new List<string>();
        var list = Child<YamlSequenceNode>(node, path, key, "a list of texts, such as [ \"-u\" ]");
        for (var i = 0; list is not null && i < list.Children.Count; i++)
        {
            if (Expect<YamlScalarNode>(list.Children[i], $"{Join(path, key)}[{i}]", "a text")
                is { } item)
            {
                values.Add(item.Value ?? "");
            }
        }

        return values;
    }

    private string KeyText(YamlNode keyNode) =>
        keyNode is YamlScalarNode { Value: { } text } ? text : $"(line {Line(keyNode)} key)";

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null"
            or "NULL";

    private static long Line(YamlNode node) => node.Start.Line;

    private static string Join(string path, string key) =>
        path.Length == 0 ? key : $"{path}.{key}";

    private void Problem(string key, long line, string message) =>
        _problems.Add(new BlueprintProblem(_file, key, $"line {line}: {message}"));
}
