namespace Cloner.Domain.Provisioning;

/// <summary>
/// A step could not do its work. The message is shown to the operator as the step's
/// failure reason, so it says what failed and never holds a secret.
/// </summary>
public sealed class ProvisioningException(string message, Exception? inner = null)
    : Exception(message, inner);
