namespace Bff.Endpoints;

/// <summary>What a user agent string says about the device, for a "where you're signed in" list.</summary>
/// <param name="Browser">Browser family and major version, or unknown.</param>
/// <param name="Os">Operating system, or unknown.</param>
/// <param name="Type">desktop, mobile, tablet, bot or unknown.</param>
internal sealed record DeviceInfo(string Browser, string Os, string Type);
