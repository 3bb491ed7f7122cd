using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Infrastructure.Demo;

namespace Portal.Web.Tests.Api.Batches;

/// <summary>Batch uploads built from the demo's own photos (the demo tenant has comparables for them), and polling for their end.</summary>
internal static class BatchUploads
{
    public static IReadOnlyList<(string File, byte[] Bytes)> Photos(string category, int count, int skip = 0) =>
        [.. DemoPhotos.All.Where(p => p.Category == category).Skip(skip).Take(count).Select(p => (p.File, DemoPhotos.Read(p.File)))];

    public static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public static MultipartFormDataContent CsvWithZip(string csv, byte[] zip)
    {
        var form = new MultipartFormDataContent();
        var csvPart = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        csvPart.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(csvPart, "csv", "items.csv");
        var zipPart = new ByteArrayContent(zip);
        zipPart.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(zipPart, "zip", "photos.zip");
        return form;
    }

    /// <summary>A CSV naming every photo plus one line whose photo is not in the zip (line <c>count + 2</c>).</summary>
    public static MultipartFormDataContent ShoesWithOneMissing(int count)
    {
        var photos = Photos("shoes", count);
        var csv = "image,category,condition,brand,title\n" + string.Concat(photos.Select(p => $"{p.File},shoes,very_good,,\n")) + "absent.jpg,shoes,good,,\n";
        return CsvWithZip(csv, Zip(photos));
    }

    public static async Task<JsonElement> WaitUntilCompletedAsync(HttpClient client, Uri status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>(status);
            if (body.GetProperty("status").GetString() == "completed")
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The batch did not complete: {body}");
            }

            await Task.Delay(200);
        }
    }

    public static async Task<Uri> SubmitAsync(HttpClient client, HttpContent content)
    {
        var response = await client.PostAsync("/api/pricing/batches", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!;
    }
}
