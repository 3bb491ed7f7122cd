using System.IO.Compression;

namespace Portal.Core.Pricing.Batches;

/// <summary>
/// A zip of photos opened with its limits checked from the central directory before anything is unpacked: the entry
/// count, names that climb out of the archive (<c>../</c>, absolute, drive or backslash paths), and what it would unpack
/// to, in total and per entry (a decompression bomb). Reading an entry stops at the photo limit even if its header lied.
/// </summary>
internal sealed class BatchZip : IDisposable
{
    // Under this an entry is too small to be a bomb whatever its ratio (a tiny PNG or a folder entry).
    private const long RatioFloorBytes = 64 * 1024;

    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _byPath;
    private readonly Dictionary<string, ZipArchiveEntry?> _byName;
    private readonly long _maxPhotoBytes;

    private BatchZip(ZipArchive archive, long maxPhotoBytes)
    {
        _archive = archive;
        _maxPhotoBytes = maxPhotoBytes;
        _byPath = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        _byName = new Dictionary<string, ZipArchiveEntry?>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries.Where(e => !IsFolder(e)))
        {
            _byPath[Normalise(entry.FullName)] = entry;
            // A bare file name finds its entry only when no other entry has the same name.
            _byName[entry.Name] = _byName.ContainsKey(entry.Name) ? null : entry;
        }
    }

    /// <summary>The checked archive, or the refusal (400 or 413) naming the entry or limit.</summary>
    public static (BatchZip? Zip, BatchSubmitOutcome? Refused) Open(Stream content, BatchOptions limits)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException ex)
        {
            return (null, Invalid($"The zip cannot be read: {ex.Message}"));
        }

        var refused = Check(archive, limits);
        if (refused is not null)
        {
            archive.Dispose();
            return (null, refused);
        }

        return (new BatchZip(archive, limits.MaxPhotoBytes), null);
    }

    private static BatchSubmitOutcome? Check(ZipArchive archive, BatchOptions limits)
    {
        if (archive.Entries.Count > limits.MaxZipEntries)
        {
            return Invalid($"The zip holds {archive.Entries.Count} entries; the limit is {limits.MaxZipEntries}.");
        }

        long unpacked = 0;
        foreach (var entry in archive.Entries)
        {
            if (!IsSafePath(entry.FullName))
            {
                return Invalid($"The zip entry '{Shorten(entry.FullName)}' points outside the archive; only plain relative names are accepted.");
            }

            if (entry.Length > RatioFloorBytes && entry.Length > (long)limits.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
            {
                return new BatchSubmitOutcome.TooLarge(
                    $"The zip entry '{Shorten(entry.FullName)}' unpacks from {entry.CompressedLength} to {entry.Length} bytes, over {limits.MaxCompressionRatio} times; photos do not compress like that.");
            }

            unpacked += entry.Length;
            if (unpacked > limits.MaxUnpackedBytes)
            {
                return new BatchSubmitOutcome.TooLarge($"The zip unpacks to more than {limits.MaxUnpackedBytes} bytes.");
            }
        }

        return null;
    }

    /// <summary>The entry a CSV's <c>image</c> value names: its path inside the zip, or its bare file name when unique.</summary>
    public ZipArchiveEntry? Find(string imageName)
    {
        var path = Normalise(imageName);
        return _byPath.TryGetValue(path, out var entry) ? entry
            : !path.Contains('/', StringComparison.Ordinal) && _byName.TryGetValue(path, out var named) ? named
            : null;
    }

    /// <summary>The entry's bytes, or null when it unpacks to more than the photo limit (whatever its header said).</summary>
    public async Task<byte[]?> ReadAsync(ZipArchiveEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > _maxPhotoBytes)
        {
            return null;
        }

        await using var stream = await entry.OpenAsync(cancellationToken);
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, _maxPhotoBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _maxPhotoBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public void Dispose() => _archive.Dispose();

    internal static bool IsSafePath(string name) =>
        name.Length > 0
        && !name.StartsWith('/')
        && !name.Contains('\\', StringComparison.Ordinal)
        && !name.Contains(':', StringComparison.Ordinal)
        && !name.Contains('\0', StringComparison.Ordinal)
        && !name.Split('/').Any(segment => segment == "..");

    private static bool IsFolder(ZipArchiveEntry entry) => entry.FullName.EndsWith('/');

    private static string Normalise(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    private static BatchSubmitOutcome.Invalid Invalid(string message) =>
        new(new Dictionary<string, string[]> { ["zip"] = [message] }, message);

    internal static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
