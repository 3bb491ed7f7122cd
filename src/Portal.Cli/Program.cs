using Portal.Cli;

return await CliApplication.RunAsync(args);
