namespace Bff.Security;

/// <summary>The devices each subject logged in from within <c>Bff:Security:NewDeviceWindow</c>.</summary>
internal interface IKnownDevices
{
    /// <summary>Remembers (or refreshes) the device for the subject, and says whether it was known.</summary>
    Task<DeviceNovelty> RememberAsync(string subject, string device, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IKnownDevices.RememberAsync"/> found.</summary>
internal enum DeviceNovelty
{
    /// <summary>The subject logged in from this device within the window.</summary>
    Known,

    /// <summary>The subject logged in within the window, but never from this device.</summary>
    New,

    /// <summary>No login of the subject within the window: there is nothing to compare with, so no signal.</summary>
    FirstForSubject,
}
