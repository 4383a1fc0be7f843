using System.CommandLine;

namespace Jit.Cli;

/// <summary>The <c>jit</c> command line: <c>run</c>, <c>inspect</c>, <c>ops</c>, <c>fuzz</c>.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var output = new CliOutput(stdout ?? Console.Out, stderr ?? Console.Error);
        var root = new RootCommand("jit: load PyTorch JIT models and run them on cpu, cuda, opencl or vulkan")
        {
            RunCommand.Create(output),
            BenchCommand.Create(output),
            InspectCommand.Create(output),
            CheckCommand.Create(output),
            OpsCommand.Create(output),
            FuzzCommand.Create(output),
        };
        var config = new InvocationConfiguration
        {
            Output = output.Out,
            Error = output.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (Exception e)
        {
            return output.Fail(e);
        }
    }
}
