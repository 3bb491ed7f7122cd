using Portal.Web;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Both hosts read the one appsettings.json at the repository root, copied next to the binaries.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddWebServices();

var app = builder.Build();
app.UsePortal();
app.Run();

public partial class Program;
