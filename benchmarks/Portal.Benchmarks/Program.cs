using BenchmarkDotNet.Running;

// Run all with `dotnet run -c Release --project benchmarks/Portal.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
public partial class Program;
