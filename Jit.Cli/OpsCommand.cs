using System.CommandLine;
using Jit.Ops;

namespace Jit.Cli;

/// <summary><c>jit ops</c>: prints the op registry, one overload per line.</summary>
public static class OpsCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("ops", "list every op the registry knows: schema, kind, flags");
        command.SetAction(_ => output.Guard(() =>
        {
            foreach (var line in OpRegistry.Default.Describe()) output.Out.WriteLine(line);
            return 0;
        }));
        return command;
    }
}
