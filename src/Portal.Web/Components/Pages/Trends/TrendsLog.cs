namespace Portal.Web.Components.Pages.Trends;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "A trends panel query ({Panel}) failed")]
    public static partial void PanelQueryFailed(ILogger logger, string panel, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Loading the trends filter choices failed")]
    public static partial void FilterChoicesFailed(ILogger logger, Exception exception);
}
