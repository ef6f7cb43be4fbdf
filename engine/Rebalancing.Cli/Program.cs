using Rebalancing.Cli.Commands;

return CommandLine.Build().Parse(args).Invoke();
