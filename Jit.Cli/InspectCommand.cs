using System.CommandLine;

namespace Jit.Cli;

/// <summary><c>jit inspect FILE</c>: prints the graph as PyTorch prints it.</summary>
public static class InspectCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to inspect: a textual-IR graph (*.ir)" };
        var command = new Command("inspect", "print a model's graph") { file };
        command.SetAction(r => output.Guard(() =>
        {
            var model = ModelFile.Load(r.GetValue(file)!);
            output.Out.Write(model.Graph.ToString());
            return 0;
        }));
        return command;
    }
}
