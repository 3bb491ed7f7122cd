using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Aws;

/// <summary>
/// Section <c>Aws</c>, bound and validated only when <c>Portal:Provider</c> is <c>Aws</c>: the region every adapter talks to and
/// the stage that suffixes every table name (<c>sales-intelligence-{stage}</c>). Credentials never come from here: they come
/// from the default AWS chain (environment, profile, container or instance role).
/// </summary>
public sealed class AwsOptions
{
    public const string SectionName = "Aws";

    [Required(ErrorMessage = "Aws:Region is required when Portal:Provider is Aws.")]
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]$", ErrorMessage = "Aws:Region must look like eu-west-1.")]
    public string Region { get; set; } = string.Empty;

    [Required(ErrorMessage = "Aws:Stage is required when Portal:Provider is Aws.")]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,31}$", ErrorMessage = "Aws:Stage must be 1-32 lower-case letters, digits or dashes.")]
    public string Stage { get; set; } = "dev";
}
