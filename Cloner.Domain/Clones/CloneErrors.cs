namespace Cloner.Domain.Clones;

/// <summary>A request that names something wrong; nothing was made or changed.</summary>
public class CloneRequestException(string message) : Exception(message);

/// <summary>The inputs of a create failed their rules; <see cref="Errors"/> maps field to problem.</summary>
public sealed class CloneValidationException(IReadOnlyDictionary<string, string[]> errors)
    : CloneRequestException("The request is not valid: " + string.Join("; ",
        errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

public sealed class CloneNameTakenException(string name)
    : CloneRequestException($"A clone named '{name}' already exists; pick another name.")
{
    public string Name { get; } = name;
}

public sealed class UnknownCloneException(string name)
    : CloneRequestException($"There is no clone named '{name}'.")
{
    public string Name { get; } = name;
}

public sealed class UnknownComponentException(string clone, string component, IEnumerable<string> known)
    : CloneRequestException(
        $"Clone '{clone}' has no component '{component}'; it has {string.Join(", ", known)}.");

/// <summary>A clone is busy with another operation that this one cannot run beside.</summary>
public sealed class CloneBusyException(string name, string reason)
    : CloneRequestException($"Clone '{name}' is {reason}; try again when it is done.");
