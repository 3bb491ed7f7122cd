using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests;

/// <summary>What every test host on the demo data waits for and cleans up.</summary>
internal static class DemoPortal
{
    /// <summary>Waits until <c>/health/ready</c> says Healthy, which it says once the demo tenant is seeded.</summary>
    public static async Task WaitUntilSeededAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            using var ready = await client.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode && (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == "Healthy")
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The demo tenant did not finish seeding within 4 minutes.");
    }

    public static void DeleteDataDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the folder is in the temp directory anyway.
        }
    }
}
